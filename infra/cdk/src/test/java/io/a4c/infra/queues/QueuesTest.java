package io.a4c.infra.queues;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.events.HostQueues;
import io.a4c.infra.TemplateJson;
import io.a4c.infra.TestStacks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.sqs.Queue;

class QueuesTest {
  private final A4cStackView prod = new A4cStackView(TestStacks.PROD);

  @Test
  void hostEventsGoToTheirDeadLetterQueueAfterFiveReceives() {
    prod.template()
        .hasResourceProperties(
            "AWS::SQS::Queue",
            Map.of(
                "RedrivePolicy",
                Map.of(
                    "deadLetterTargetArn",
                    prod.arnOf(prod.queues().hostEventsDlq()),
                    "maxReceiveCount",
                    5)));
  }

  @Test
  void everyArchHasItsOwnBuildQueueGoingToItsOwnDeadLetterQueueAfterThreeReceives() {
    for (Arch arch : Arch.values()) {
      Queue builds = prod.queues().builds(arch);
      Map<String, Object> properties =
          TemplateJson.properties(
              TemplateJson.resources(prod.template(), "AWS::SQS::Queue")
                  .get(TemplateJson.logicalId(builds)));
      assertThat(properties.get("RedrivePolicy"))
          .as(arch.wireName())
          .isEqualTo(
              Map.of(
                  "deadLetterTargetArn",
                  prod.arnOf(prod.queues().buildsDlq(arch)),
                  "maxReceiveCount",
                  Queues.BUILD_MAX_RECEIVES));
    }
    assertThat(prod.queues().builds(Arch.AMD64)).isNotSameAs(prod.queues().builds(Arch.ARM64));
    assertThat(prod.queues().buildsDlq(Arch.AMD64))
        .isNotSameAs(prod.queues().buildsDlq(Arch.ARM64));
  }

  @Test
  void sharedQueuesAreEncryptedAndTheStackMakesNoHostQueueOnlyTheirFifoDeadLetterQueue() {
    Template template = prod.template();
    // host events and its DLQ, the host commands' DLQ, and a build queue and its DLQ per arch.
    template.resourceCountIs("AWS::SQS::Queue", 3 + 2 * Arch.values().length);
    template.allResourcesProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true));
    var fifo =
        TemplateJson.resources(template, "AWS::SQS::Queue").entrySet().stream()
            .filter(
                e -> Boolean.TRUE.equals(TemplateJson.properties(e.getValue()).get("FifoQueue")))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(fifo).containsExactly(TemplateJson.logicalId(prod.queues().hostCommandsDlq()));
  }

  @Test
  void hostCommandQueuesHaveOneFifoDeadLetterQueueNamedAsTheDaemonsPointAtIt() {
    prod.template()
        .hasResourceProperties(
            "AWS::SQS::Queue",
            Map.of(
                "QueueName",
                "a4c-prod-host-dead_letters.fifo",
                "FifoQueue",
                true,
                "MessageRetentionPeriod",
                14 * 24 * 3600));
    assertThat(HostQueues.commandDeadLetterQueueName(prod.queues().hostQueuePrefix()))
        .isEqualTo("a4c-prod-host-dead_letters.fifo");
  }

  @Test
  void hostEventsStayInvisibleForSixConsumerTimeouts() {
    prod.template()
        .hasResourceProperties(
            "AWS::SQS::Queue",
            Map.of(
                "VisibilityTimeout",
                180,
                "RedrivePolicy",
                Match.objectLike(Map.of("maxReceiveCount", 5))));
  }

  @Test
  void hostQueueArnsEndInFifoSoTheWildcardCannotMatchASharedQueue() {
    Queues queues = prod.queues();
    assertThat(queues.hostQueuePrefix()).isEqualTo("a4c-prod-host-");
    assertThat(queues.hostQueueArn("h1"))
        .isEqualTo("arn:aws:sqs:eu-west-1:123456789012:a4c-prod-host-h1.fifo");
    assertThat(queues.anyHostQueueArn())
        .isEqualTo("arn:aws:sqs:eu-west-1:123456789012:a4c-prod-host-*.fifo");
  }

  /** The prod stack's queues and how its template refers to them. */
  private record A4cStackView(String variant) {
    Template template() {
      return TestStacks.template(variant);
    }

    Queues queues() {
      return TestStacks.stack(variant).queues();
    }

    Map<String, Object> arnOf(IQueue queue) {
      return Map.of("Fn::GetAtt", List.of(TemplateJson.logicalId(queue), "Arn"));
    }
  }
}
