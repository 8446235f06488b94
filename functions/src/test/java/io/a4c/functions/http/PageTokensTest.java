package io.a4c.functions.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.Names;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PageTokensTest {
  private static final String POSITION = "ws-01jz0000000000000000000000";

  private static PageTokens withKey(byte fill) {
    var env = FunctionsConfigTest.minimal();
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, fill);
    env.put(FunctionsEnv.PAGE_TOKEN_KEY, Base64.getEncoder().encodeToString(key));
    return new PageTokens(FunctionsConfig.fromEnvironment(env));
  }

  private final PageTokens tokens = withKey((byte) 7);

  @Test
  void aTokenOpensToItsPositionInItsOwnScope() {
    String token = tokens.seal("workspaces/alice", POSITION);

    assertThat(tokens.open("workspaces/alice", token, Names.WORKSPACE_ID)).isEqualTo(POSITION);
    assertThat(tokens.open("workspaces/alice", null, Names.WORKSPACE_ID)).isNull();
    assertThat(tokens.seal("workspaces/alice", null)).isNull();
  }

  @Test
  void aliceTokenCannotStartBobsList() {
    String token = tokens.seal("workspaces/alice", POSITION);

    assertThatThrownBy(() -> tokens.open("workspaces/bob", token, Names.WORKSPACE_ID))
        .isInstanceOf(InvalidRequestException.class)
        .extracting("field")
        .isEqualTo("nextToken");
  }

  @Test
  void aTokenCraftedOrEditedInAnyByteIsRefused() {
    String token = tokens.seal("workspaces/alice", POSITION);
    String forgedPosition =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("ws-zzzzzzzzzzzzzzzzzzzzzzzzzz".getBytes(StandardCharsets.UTF_8))
            + token.substring(token.indexOf('.'));
    String legacyUnsigned =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(("v1:" + POSITION).getBytes(StandardCharsets.UTF_8));

    for (String bad :
        new String[] {
          forgedPosition,
          legacyUnsigned,
          token + "x",
          token.substring(1),
          "",
          ".",
          "a.b",
          "%%%",
          "x".repeat(10_000),
          withKey((byte) 8).seal("workspaces/alice", POSITION)
        }) {
      assertThatThrownBy(() -> tokens.open("workspaces/alice", bad, Names.WORKSPACE_ID))
          .as(bad.length() > 40 ? bad.substring(0, 40) : bad)
          .isInstanceOf(InvalidRequestException.class);
    }
    for (int i = 0; i < token.length(); i++) {
      char flipped = token.charAt(i) == 'A' ? 'B' : 'A';
      String edited = token.substring(0, i) + flipped + token.substring(i + 1);
      assertThatThrownBy(() -> tokens.open("workspaces/alice", edited, Names.WORKSPACE_ID))
          .isInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void aSealedPositionThatBreaksTheRuleIsRefusedToo() {
    String token = tokens.seal("workspaces/alice", "../../etc");

    assertThatThrownBy(() -> tokens.open("workspaces/alice", token, Names.WORKSPACE_ID))
        .isInstanceOf(InvalidRequestException.class);
  }
}
