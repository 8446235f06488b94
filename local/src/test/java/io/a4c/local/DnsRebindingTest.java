package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.local.testing.SharedRuntime;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The local gateway answers only requests addressed to the loopback name it listens on: a page
 * whose DNS name was rebound to 127.0.0.1 must not mint an admin token from the user's browser
 * (issue 14, point 9). Raw HTTP/1.1 over a socket, as a browser would send it: the JDK's client
 * refuses to set {@code Host}.
 */
@ExtendWith(SharedRuntime.class)
class DnsRebindingTest {
  private static String exchange(LocalRuntime runtime, String host, String body)
      throws IOException {
    try (var socket = new Socket("127.0.0.1", runtime.baseUri().getPort())) {
      String request =
          "POST /local/tokens HTTP/1.1\r\nHost: "
              + host
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + body.getBytes(StandardCharsets.UTF_8).length
              + "\r\nConnection: close\r\n\r\n"
              + body;
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"attacker.example", "attacker.example:8080", "127.0.0.1.nip.io"})
  void aRequestForAnotherNameIsRefusedAndMintsNothing(String host, LocalRuntime runtime)
      throws IOException {
    String reply = exchange(runtime, host, "{\"sub\": \"root\", \"admin\": true}");

    assertThat(reply).startsWith("HTTP/1.1 403");
    assertThat(reply).contains("application/problem+json").contains("127.0.0.1 or localhost");
    assertThat(reply).doesNotContain("\"token\"");
  }

  @Test
  void theLoopbackNamesStillWork(LocalRuntime runtime) throws IOException {
    int port = runtime.baseUri().getPort();
    for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "localhost"}) {
      assertThat(exchange(runtime, host, "{\"sub\": \"alice\"}"))
          .as(host)
          .startsWith("HTTP/1.1 200")
          .contains("\"token\"");
    }
  }
}
