package io.a4c.infra.alarms;

import static io.a4c.infra.TemplateJson.logicalId;

import io.a4c.events.Arch;
import io.a4c.infra.A4cStack;
import io.a4c.infra.TestStacks;
import io.a4c.infra.api.Api;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.sqs.IQueue;

class AlarmsTest {
  private final A4cStack stack = TestStacks.stack(TestStacks.PROD);
  private final Template template = TestStacks.template(TestStacks.PROD);

  @Test
  void everyDeadLetterQueueAlarmsOnItsFirstMessage() {
    for (IQueue dlq :
        List.of(
            stack.queues().hostEventsDlq(),
            stack.queues().hostCommandsDlq(),
            stack.queues().buildsDlq(Arch.AMD64),
            stack.queues().buildsDlq(Arch.ARM64))) {
      template.hasResourceProperties(
          "AWS::CloudWatch::Alarm",
          Map.of(
              "Namespace",
              "AWS/SQS",
              "MetricName",
              "ApproximateNumberOfMessagesVisible",
              "Dimensions",
              List.of(Map.of("Name", "QueueName", "Value", queueName(dlq))),
              "ComparisonOperator",
              "GreaterThanThreshold",
              "Threshold",
              0,
              "EvaluationPeriods",
              1));
    }
  }

  @Test
  void aJobLeftOnABuildsDeadLetterQueueByItsConsumerRaisesAnAlarmAfterFifteenMinutes() {
    for (Arch arch : Arch.values()) {
      Map<String, Object> dlq = queueName(stack.queues().buildsDlq(arch));
      template.hasResourceProperties(
          "AWS::CloudWatch::Alarm",
          Map.<String, Object>of(
              "EvaluationPeriods",
              15,
              "DatapointsToAlarm",
              15,
              "Threshold",
              0,
              "Metrics",
              Match.arrayWith(
                  List.of(
                      Match.objectLike(Map.<String, Object>of("Expression", "visible + received")),
                      Match.objectLike(
                          Map.<String, Object>of(
                              "Id",
                              "received",
                              "MetricStat",
                              Match.objectLike(
                                  Map.<String, Object>of(
                                      "Metric",
                                      Match.objectLike(
                                          Map.<String, Object>of(
                                              "MetricName",
                                              "ApproximateNumberOfMessagesNotVisible",
                                              "Dimensions",
                                              List.of(
                                                  Map.<String, Object>of(
                                                      "Name", "QueueName", "Value", dlq)))))))))),
              "AlarmDescription",
              Match.stringLikeRegexp(".*" + arch.wireName() + " builds' dead-letter queue.*")));
    }
  }

  @Test
  void hostEventsWaitingLongerThanTheEnvironmentAllowsRaisesAnAlarm() {
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "MetricName",
            "ApproximateAgeOfOldestMessage",
            "Dimensions",
            List.of(Map.of("Name", "QueueName", "Value", queueName(stack.queues().hostEvents()))),
            "Statistic",
            "Maximum",
            "Threshold",
            300));
  }

  @Test
  void aJobWaitingAnHourOnAnyArchsBuildQueueRaisesAnAlarm() {
    for (Arch arch : Arch.values()) {
      template.hasResourceProperties(
          "AWS::CloudWatch::Alarm",
          Map.of(
              "MetricName",
              "ApproximateAgeOfOldestMessage",
              "Dimensions",
              List.of(Map.of("Name", "QueueName", "Value", queueName(stack.queues().builds(arch)))),
              "Statistic",
              "Maximum",
              "Threshold",
              3600,
              "AlarmDescription",
              Match.stringLikeRegexp(".*" + arch.wireName() + " build queue.*")));
    }
  }

  @Test
  void apiServerErrorsRaiseAnAlarm() {
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "Namespace", "AWS/ApiGateway",
            "MetricName", "5xx",
            "Dimensions",
                Match.arrayWith(
                    List.of(
                        Map.of("Name", "ApiId", "Value", apiRef()),
                        Map.of("Name", "Stage", "Value", Api.STAGE))),
            "Statistic", "Sum",
            "ComparisonOperator", "GreaterThanOrEqualToThreshold"));
  }

  @Test
  void listRouteP99LatencyAbove100MillisecondsRaisesAnAlarm() {
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "Namespace", "AWS/ApiGateway",
            "MetricName", "Latency",
            "ExtendedStatistic", "p99",
            "Threshold", 100,
            "ComparisonOperator", "GreaterThanThreshold",
            "Dimensions",
                Match.arrayWith(
                    List.of(
                        Map.of("Name", "Method", "Value", "GET"),
                        Map.of("Name", "Resource", "Value", "/v1/users/{userId}/workspaces")))));
  }

  @Test
  void everyAlarmNotifiesTheTopicAndQuietMetricsAreHealthy() {
    Map<String, String> topic = Map.of("Ref", logicalId(stack.alarms().topic()));
    // API 5xx, list latency, host-events DLQ and age, host commands' DLQ, the sweeper; per arch,
    // the build DLQ's count and age and the queue's age.
    template.resourceCountIs("AWS::CloudWatch::Alarm", 6 + 3 * Arch.values().length);
    template.allResourcesProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "AlarmActions", List.of(topic),
            "OKActions", List.of(topic),
            "TreatMissingData", "notBreaching"));
  }

  @Test
  void aSweeperFailingFifteenMinutesOnEndRaisesAnAlarm() {
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "Namespace",
            "AWS/Lambda",
            "MetricName",
            "Errors",
            "Statistic",
            "Sum",
            "Period",
            300,
            "Threshold",
            1,
            "ComparisonOperator",
            "GreaterThanOrEqualToThreshold",
            "EvaluationPeriods",
            Alarms.SWEEPER_FAILING_PERIODS,
            "DatapointsToAlarm",
            Alarms.SWEEPER_FAILING_PERIODS,
            "Dimensions",
            Match.arrayWith(List.of(Map.of("Name", "Resource", "Value", Match.anyValue())))));
  }

  @Test
  void theAlarmEmailIsSubscribedToTheTopic() {
    template.hasResourceProperties(
        "AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "ops@example.com"));
    TestStacks.template(TestStacks.DEV).resourceCountIs("AWS::SNS::Subscription", 0);
  }

  private Map<String, Object> queueName(IQueue queue) {
    return Map.of("Fn::GetAtt", List.of(logicalId(queue), "QueueName"));
  }

  private Map<String, String> apiRef() {
    return Map.of("Ref", logicalId(stack.api().httpApi()));
  }
}
