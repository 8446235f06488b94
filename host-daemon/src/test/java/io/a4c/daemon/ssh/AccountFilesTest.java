package io.a4c.daemon.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.WorkspaceLogin;
import org.junit.jupiter.api.Test;

class AccountFilesTest {
  private static final WorkspaceLogin ALICE = new WorkspaceLogin("alice", 100_001);
  private static final String PASSWD =
      "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
  private static final String GROUP = "root:x:0:\nsudo:x:27:\n";

  @Test
  void addsTheLoginWithItsOwnGroupAndHome() {
    assertThat(AccountFiles.passwd(PASSWD, ALICE, "/bin/bash"))
        .isEqualTo(PASSWD + "alice:x:100001:100001:A4C workspace user:/home/alice:/bin/bash\n");
    assertThat(AccountFiles.group(GROUP, ALICE))
        .isEqualTo(GROUP + "alice:x:100001:\na4c:x:2000:alice\n");
  }

  @Test
  void writingTwiceGivesTheSameFiles() {
    String passwd = AccountFiles.passwd(PASSWD, ALICE, "/bin/sh");
    String group = AccountFiles.group(GROUP, ALICE);
    String shadow = AccountFiles.shadow("root:*:19000:0:99999:7:::\n", ALICE);

    assertThat(AccountFiles.passwd(passwd, ALICE, "/bin/sh")).isEqualTo(passwd);
    assertThat(AccountFiles.group(group, ALICE)).isEqualTo(group);
    assertThat(AccountFiles.shadow(shadow, ALICE)).isEqualTo(shadow);
  }

  @Test
  void replacesAnImageAccountThatHoldsTheNameOrTheUid() {
    String image = PASSWD + "alice:x:1000:1000::/home/alice:/bin/sh\nold:x:100001:5::/:/bin/sh\n";

    assertThat(AccountFiles.passwd(image, ALICE, "/bin/sh"))
        .isEqualTo(PASSWD + "alice:x:100001:100001:A4C workspace user:/home/alice:/bin/sh\n");
  }

  @Test
  void joinsAnExistingWorkspaceGroupKeepingItsMembers() {
    assertThat(AccountFiles.group(GROUP + "a4c:x:2000:bob\n", ALICE))
        .contains("\na4c:x:2000:bob,alice\n");
  }

  @Test
  void theShadowLineHasNoPasswordButIsNotLocked() {
    // OpenSSH refuses a key login to an account whose password field starts with '!'.
    assertThat(AccountFiles.shadow("", ALICE)).isEqualTo("alice:*:19000:0:99999:7:::\n");
  }
}
