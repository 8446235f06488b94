package io.a4c.daemon.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host certificate's valid-after, read from certificates OpenSSH's own ssh-keygen signs. */
class HostCertificatesTest {
  @TempDir Path dir;

  @Test
  void readsWhenAnEd25519HostCertificateBecameValid() throws Exception {
    keygen("-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("ca").toString());
    keygen("-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host").toString());
    keygen(
        "-q",
        "-s",
        dir.resolve("ca").toString(),
        "-I",
        "a4c:ws-1.ws.test",
        "-h",
        "-n",
        "ws-1.ws.test,ws-1",
        "-V",
        "20260102000000Z:forever" /* UTC, whatever the zone */,
        dir.resolve("host.pub").toString());
    String line = Files.readString(dir.resolve("host-cert.pub"));

    assertThat(HostCertificates.validAfter(line))
        .hasValue(Instant.parse("2026-01-02T00:00:00Z").getEpochSecond());
  }

  @Test
  void anythingElseHasNone() throws Exception {
    keygen("-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("plain").toString());

    assertThat(HostCertificates.validAfter(Files.readString(dir.resolve("plain.pub")))).isEmpty();
    assertThat(HostCertificates.validAfter("ssh-ed25519-cert-v01@openssh.com AAAA")).isEmpty();
    assertThat(HostCertificates.validAfter("ssh-ed25519-cert-v01@openssh.com not-base64!"))
        .isEmpty();
    assertThat(HostCertificates.validAfter("")).isEmpty();
  }

  private static void keygen(String... args) throws Exception {
    var command = new ArrayList<>(List.of("ssh-keygen"));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
  }
}
