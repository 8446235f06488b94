package io.a4c.daemon.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.WorkspaceLogin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start, which carries no login, reads it back from the configuration A4C wrote; a claim's sshd
 * start waits for its marker.
 */
class SshdConfigTest {
  @Test
  void theLoginIsReadBackFromTheRenderedConfiguration() {
    var login = new WorkspaceLogin("alice", 100_001);

    assertThat(SshdConfig.loginOf(SshdConfig.render(login))).contains("alice");
    assertThat(SshdConfig.authorizedKeys("alice")).isEqualTo(SshdConfig.authorizedKeys(login));
  }

  @Test
  void anotherTextNamesNoLogin() {
    assertThat(SshdConfig.loginOf("Port 22\n")).isEmpty();
    assertThat(SshdConfig.loginOf("AllowUsers ../../etc\n")).isEmpty();
  }

  @Test
  void theClaimsStartWaitsForItsMarkerThenRemovesIt(@TempDir Path dir) throws Exception {
    Path marker = dir.resolve("claim-1");
    var shell =
        new ProcessBuilder("/bin/sh", "-c", SshdConfig.startOnceWritten(marker.toString()))
            .redirectErrorStream(true)
            .start();

    assertThat(shell.waitFor(300, TimeUnit.MILLISECONDS)).as("waits for the marker").isFalse();
    Files.writeString(marker, "");

    assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(marker).doesNotExist();
  }

  @Test
  void aMarkerThatIsNotAPlainPathIsRefused() {
    assertThatThrownBy(() -> SshdConfig.startOnceWritten("/etc/a4c/x; rm -rf /"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
