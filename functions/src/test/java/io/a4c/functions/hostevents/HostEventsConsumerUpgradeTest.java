package io.a4c.functions.hostevents;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.a4c.events.EventJson;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.priming.PrimingEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Host events across a rolling upgrade, through the real graph with AWS answered offline (the
 * priming path, so the events are applied without tables): an event of a later daemon release with
 * fields this one does not know is applied; one it cannot read at all is reported failed, so SQS
 * keeps it and, after its last receive, parks it in the host-events dead-letter queue.
 */
class HostEventsConsumerUpgradeTest {
  private final ObjectMapper json = EventJson.newMapper();
  private final FunctionsComponent graph;

  HostEventsConsumerUpgradeTest() {
    var env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.DYNAMODB_ENDPOINT, "http://127.0.0.1:9");
    env.put(FunctionsEnv.SQS_ENDPOINT, "http://127.0.0.1:9");
    graph = FunctionsComponent.create(FunctionsConfig.fromEnvironment(env), Clock.systemUTC());
  }

  @Test
  void eventsOfALaterReleaseAreAppliedAndUnreadableOnesAreLeftForTheDeadLetterQueue() {
    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    for (var current :
        PrimingEvents.hostEvents(graph.config().security()).getFirst().getRecords()) {
      current.setBody(withFieldsOfALaterRelease(current.getBody()));
      records.add(current);
    }
    var template = records.getFirst();
    records.add(copy(template, "unreadable-1", "not json"));
    records.add(
        copy(
            template,
            "unreadable-2",
            "{\"type\":\"EventOfALaterRelease\",\"version\":1,\"hostId\":\"a4c-priming\"}"));
    var event = new SQSEvent();
    event.setRecords(records);
    List<SQSBatchResponse> responses = new ArrayList<>();
    RequestHandler<SQSEvent, SQSBatchResponse> handler =
        (e, context) -> {
          var response = graph.hostEventsConsumer().handle(e);
          responses.add(response);
          return response;
        };

    int failed = graph.priming().prime(handler, List.of(event));

    assertThat(failed).isZero();
    assertThat(responses)
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getBatchItemFailures())
                    .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactlyInAnyOrder("unreadable-1", "unreadable-2"));
  }

  /** The body with a field of a later release at the top and in every object inside. */
  private String withFieldsOfALaterRelease(String body) {
    try {
      var tree = json.readTree(body);
      addEverywhere(tree);
      return json.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void addEverywhere(com.fasterxml.jackson.databind.JsonNode node) {
    node.forEach(HostEventsConsumerUpgradeTest::addEverywhere);
    if (node instanceof ObjectNode object) {
      object.put("addedInALaterRelease", "ignored");
    }
  }

  private static SQSEvent.SQSMessage copy(SQSEvent.SQSMessage from, String id, String body) {
    var message = new SQSEvent.SQSMessage();
    message.setMessageId(id);
    message.setBody(body);
    message.setAttributes(from.getAttributes());
    message.setMessageAttributes(from.getMessageAttributes());
    message.setEventSourceArn(from.getEventSourceArn());
    return message;
  }
}
