package io.a4c.functions.hostauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.a4c.events.HostEventSignatures;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A host event is applied only when its sender is the host it names. */
class HostEventSendersTest {
  private static final byte[] H1_KEY = filled(1);
  private static final byte[] H2_KEY = filled(2);

  private static byte[] filled(int value) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) value);
    return key;
  }

  private static HostEventSenders senders(Map<String, String> extra) {
    var env = FunctionsConfigTest.minimal();
    env.putAll(extra);
    return new HostEventSenders(
        FunctionsConfig.fromEnvironment(env),
        () -> {
          throw new AssertionError("a host event's check never asks STS");
        });
  }

  private static SQSEvent.SQSMessage message(String body, String senderId, String signature) {
    var message = new SQSEvent.SQSMessage();
    message.setMessageId("m-1");
    message.setBody(body);
    if (senderId != null) {
      message.setAttributes(Map.of("SenderId", senderId));
    }
    if (signature != null) {
      var attribute = new SQSEvent.MessageAttribute();
      attribute.setDataType("String");
      attribute.setStringValue(signature);
      message.setMessageAttributes(Map.of(HostEventSignatures.ATTRIBUTE, attribute));
    }
    return message;
  }

  @Test
  void inAwsTheRoleSessionMustBeTheHostItNames() {
    var senders = senders(Map.of());

    assertThat(senders.refusal(message("{}", "AROAEXAMPLEH1ROLE:h1", null), "h1")).isEmpty();
    assertThat(senders.refusal(message("{}", "AROAEXAMPLEH1ROLE:h1", null), "h2"))
        .get()
        .asString()
        .contains("not host h2");
    assertThat(senders.refusal(message("{}", "AIDAEXAMPLEUSER", null), "h1"))
        .get()
        .asString()
        .contains("not a host role session");
    assertThat(senders.refusal(message("{}", null, null), "h1"))
        .get()
        .asString()
        .contains("no SenderId");
  }

  @Test
  void withRoleIdsConfiguredTheRoleMustBeThatHostsOwn() {
    var senders = senders(Map.of(FunctionsEnv.HOST_ROLE_IDS, "h1=AROAH1ROLEID,h2=AROAH2ROLEID"));

    assertThat(senders.refusal(message("{}", "AROAH1ROLEID:h1", null), "h1")).isEmpty();
    // h1's role with a session it named "h2": the session name alone would let it through.
    assertThat(senders.refusal(message("{}", "AROAH1ROLEID:h2", null), "h2"))
        .get()
        .asString()
        .contains("not the role of host h2");
    assertThat(senders.refusal(message("{}", "AROAH3ROLEID:h3", null), "h3")).isPresent();
  }

  @Test
  void locallyTheBodyMustBeSignedWithTheNamedHostsKey() {
    var senders =
        senders(
            Map.of(
                FunctionsEnv.HOST_AUTH,
                "signature",
                FunctionsEnv.HOST_EVENT_KEYS,
                "h1="
                    + Base64.getEncoder().encodeToString(H1_KEY)
                    + ",h2="
                    + Base64.getEncoder().encodeToString(H2_KEY)));
    String body = "{\"type\":\"WorkspaceStatus\",\"hostId\":\"h2\"}";

    assertThat(senders.refusal(message(body, null, HostEventSignatures.sign(H2_KEY, body)), "h2"))
        .isEmpty();
    assertThat(senders.refusal(message(body, null, HostEventSignatures.sign(H1_KEY, body)), "h2"))
        .get()
        .asString()
        .contains("not host h2");
    assertThat(
            senders.refusal(
                message(body + " ", null, HostEventSignatures.sign(H2_KEY, body)), "h2"))
        .isPresent();
    assertThat(senders.refusal(message(body, null, null), "h2"))
        .get()
        .asString()
        .contains("not signed");
    assertThat(senders.refusal(message(body, null, "not base64!"), "h2")).isPresent();
    assertThat(senders.refusal(message(body, null, HostEventSignatures.sign(H1_KEY, body)), "h9"))
        .get()
        .asString()
        .contains("no event key");
  }
}
