package io.a4c.functions.sshkeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.WorkspaceLogin;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A user id becomes a login name useradd accepts, the same every time, never a system name. */
class LoginNamesTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "alice, alice",
    "Alice, alice",
    "alice.smith+x@example.com, alice_smith_x",
    "alice.smith@example.com, alice_smith",
    "a..b@example.com, a_b",
    "bob-dev, bob-dev",
    "bob_dev, bob_dev",
    "root, u_root",
    "root@example.com, u_root",
    "daemon, u_daemon",
    "bin, u_bin",
    "sys, u_sys",
    "nobody, u_nobody",
    "sshd, u_sshd",
    "a4c, u_a4c",
    "systemd-coredump, u_systemd-coredump",
    "42, u_42",
    "7eleven@example.com, u_7eleven",
    "x@y@example.com, x_y",
    "user@, user",
    "abcdefghijklmnopqrstuvwxyz0123456789abc, abcdefghijklmnopqrstuvwxyz012345",
    "1bcdefghijklmnopqrstuvwxyz0123456789abc, u_1bcdefghijklmnopqrstuvwxyz0123",
  })
  void aUserIdBecomesAValidLoginName(String userId, String login) {
    assertThat(LoginNames.derive(userId)).isEqualTo(login);
    assertThat(LoginNames.derive(userId)).isEqualTo(LoginNames.derive(userId));
    assertThat(WorkspaceLogin.NAME.matcher(LoginNames.derive(userId)).matches()).isTrue();
  }
}
