package io.a4c.daemon.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.WorkspaceLogin;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizedKeysTest {
  private static final String KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINBfTrbgJm2GhQGHZlzITLZb0laTtyYM4BD3UN7hKw2T alice@laptop";

  @Test
  void carriesItsRevisionInAHeader() {
    String text = AuthorizedKeys.render(List.of(KEY), 7);

    assertThat(text).isEqualTo("# A4C keys revision 7\n" + KEY + "\n");
    assertThat(AuthorizedKeys.revisionOf(text)).hasValue(7);
  }

  @Test
  void aFileA4cDidNotWriteHasNoRevision() {
    assertThat(AuthorizedKeys.revisionOf(KEY + "\n")).isEmpty();
  }

  @Test
  void sshdIsConfiguredForKeysOnlyAndTheUserOnly() {
    String config = SshdConfig.render(new WorkspaceLogin("alice", 100_001));

    assertThat(config)
        .contains("PasswordAuthentication no")
        .contains("PermitRootLogin no")
        .contains("AllowUsers alice\n")
        .contains("AuthenticationMethods publickey")
        .contains("HostCertificate /etc/a4c/ssh/ssh_host_ed25519_key-cert.pub");
  }
}
