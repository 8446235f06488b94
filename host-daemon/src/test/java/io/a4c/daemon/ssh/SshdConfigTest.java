package io.a4c.daemon.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.WorkspaceLogin;
import org.junit.jupiter.api.Test;

/** A start, which carries no login, reads it back from the configuration A4C wrote. */
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
}
