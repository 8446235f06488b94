package io.a4c.functions.sshca;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.functions.testing.TestCaKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA's output as OpenSSH's own {@code ssh-keygen} reads it. */
class SshCertificateAuthorityTest {
  private static final String WORKSPACE = "ws-01jd0000000000000000000001";
  private static final String HOSTNAME = WORKSPACE + ".ws.a4c.internal";

  @TempDir Path dir;
  private SshCertificateAuthority ca;

  @BeforeEach
  void makeCa() throws Exception {
    Path keyFile = TestCaKey.write(dir.resolve("ca-key"));
    ca =
        new SshCertificateAuthority(
            Optional.of(new KeyFileCaSigner(keyFile)),
            "ws.a4c.internal",
            Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC));
  }

  @Test
  void issuesAHostCertificateForTheWorkspacesNamesSignedByTheCa() throws Exception {
    var key = ca.issueHostKey(WORKSPACE, HOSTNAME);
    Path cert = write("host-cert.pub", key.certificate() + "\n");

    String listing = run("ssh-keygen", "-L", "-f", cert.toString());

    assertThat(listing)
        .contains("Type: ssh-ed25519-cert-v01@openssh.com host certificate")
        .contains("Key ID: \"a4c:" + HOSTNAME + "\"")
        // "after" alone: no end, ssh-keygen's way of saying forever
        .containsPattern("Valid: after 2026-12-02T07:55:00\\s*\\n")
        .containsPattern(
            "Principals: \\s*\\n\\s*" + HOSTNAME.replace(".", "\\.") + "\\s*\\n\\s*" + WORKSPACE)
        .contains("Signing CA: ECDSA " + caFingerprint());
  }

  @Test
  void writesAPrivateKeyOpenSshReadsBackToThePublicKeyAndFingerprint() throws Exception {
    var key = ca.issueHostKey(WORKSPACE, HOSTNAME);
    Path privateKey = write("host-key", key.privateKey());
    Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));

    assertThat(run("ssh-keygen", "-y", "-f", privateKey.toString()).strip())
        .startsWith(key.publicKey());
    assertThat(run("ssh-keygen", "-l", "-f", privateKey.toString()))
        .contains(key.fingerprint())
        .contains("(ED25519)");
    assertThat(SshCertificateAuthority.fingerprintOfLine(key.publicKey()))
        .isEqualTo(key.fingerprint());
  }

  @Test
  void givesEveryWorkspaceAKeyOfItsOwn() {
    assertThat(ca.issueHostKey(WORKSPACE, HOSTNAME).publicKey())
        .isNotEqualTo(ca.issueHostKey(WORKSPACE, HOSTNAME).publicKey());
  }

  @Test
  void theKnownHostsLineTrustsTheCaForTheWorkspaceDomainOnly() throws Exception {
    String line = ca.knownHostsLine();

    assertThat(line).startsWith("@cert-authority *.ws.a4c.internal ecdsa-sha2-nistp256 AAAA");
    Path pub = write("ca.pub", line.substring(line.indexOf("ecdsa")) + "\n");
    assertThat(run("ssh-keygen", "-l", "-f", pub.toString())).contains(caFingerprint());
  }

  @Test
  void isDisabledWithoutAKey() {
    assertThat(
            new SshCertificateAuthority(Optional.empty(), "ws.a4c.internal", Clock.systemUTC())
                .enabled())
        .isFalse();
  }

  private String caFingerprint() throws Exception {
    String line = ca.knownHostsLine();
    Path pub = write("ca-for-fingerprint.pub", line.substring(line.indexOf("ecdsa")) + "\n");
    String out = run("ssh-keygen", "-l", "-f", pub.toString());
    return out.split(" ")[1];
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static String run(String... command) throws Exception {
    var process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    return out;
  }
}
