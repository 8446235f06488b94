package io.a4c.daemon.idle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Established connections to a local port, read from the kernel's TCP tables as cat prints them.
 */
class TcpSessionsTest {
  private static final String TCP =
      """
        sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
         0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
         1: 0200FB0A:0016 0100FB0A:C8A2 01 00000000:00000000 02:0009A8D6 00000000     0        0 2 4
         2: 0200FB0A:9C40 0500FB0A:0016 01 00000000:00000000 00:00000000 00000000     0        0 3 1
         3: 0200FB0A:0016 0100FB0A:C8A4 06 00000000:00000000 03:00000A4C 00000000     0        0 0 3
      """;

  private static final String TCP6 =
      """
        sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
         0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
         1: 0000000000000000FFFF00000200FB0A:0016 0000000000000000FFFF00000100FB0A:D1F0 01 00000000:00000000 02:00000001 00000000     0        0 2 1
      """;

  @Test
  void countsEstablishedConnectionsWhoseLocalPortIsTheOneAsked() {
    // Listening sockets (0A), a connection out to someone's port 22, TIME_WAIT (06) do not count.
    assertThat(TcpSessions.established(TCP, 22)).isEqualTo(1);
    assertThat(TcpSessions.established(TCP6, 22)).isEqualTo(1);
    assertThat(TcpSessions.established(TCP + TCP6, 22)).isEqualTo(2);
  }

  @Test
  void aTableWithOnlyAListeningSshdHasNoSession() {
    String listening = TCP.lines().limit(2).reduce("", (a, b) -> a + b + "\n");

    assertThat(TcpSessions.established(listening, 22)).isZero();
  }

  @Test
  void otherPortsAndUnreadableTextCountNothing() {
    assertThat(TcpSessions.established(TCP, 80)).isZero();
    assertThat(TcpSessions.established("", 22)).isZero();
    assertThat(TcpSessions.established("cat: /proc/net/tcp6: No such file\n 9: zz:zz yy 01", 22))
        .isZero();
  }
}
