package io.a4c.infra.alarms;

import io.a4c.events.Arch;
import io.a4c.infra.api.Api;
import io.a4c.infra.config.EnvSettings;
import io.a4c.infra.queues.Queues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The alarms an operator is paged for, all notifying one SNS topic (with an email subscription when
 * {@code alarmEmail} is given): API 5xx, the list route's p99 latency above 100 ms, any message in
 * a dead-letter queue (the host commands' and every arch's build DLQ included), host events waiting
 * too long to be consumed, a build job waiting too long on its arch's queue, and a sweeper that
 * keeps failing.
 *
 * <p>Missing data is "not breaching" throughout: a quiet API or an empty queue is healthy.
 */
public final class Alarms extends Construct {
  /** The user's bound on listing workspaces, in milliseconds. */
  public static final int LIST_LATENCY_P99_MS = 100;

  /**
   * How old the oldest job on an arch's build queue may get before alarming. A job of an arch no
   * builder serves is never received, so it never reaches the DLQ: this alarm is what tells of it
   * (before the queue's four-day retention drops it). It also fires when an arch's builders fall an
   * hour behind, or a single build runs over an hour (a job in flight counts too).
   */
  public static final Duration BUILD_QUEUE_MAX_AGE = Duration.hours(1);

  /** How long a job may stay on a builds' dead-letter queue (its consumer takes one in seconds). */
  public static final Duration BUILD_DLQ_MAX_AGE = Duration.minutes(15);

  /** Five-minute periods in a row with a failed sweep before the sweeper's alarm. */
  public static final int SWEEPER_FAILING_PERIODS = 3;

  private final Topic topic;
  private final List<Alarm> alarms = new ArrayList<>();

  public Alarms(
      Construct scope,
      String id,
      EnvSettings settings,
      Api api,
      Queues queues,
      IFunction sweeper,
      Optional<String> alarmEmail) {
    super(scope, id);
    topic =
        Topic.Builder.create(this, "Topic")
            .displayName("A4C " + settings.name() + " alarms")
            .build();
    alarmEmail.ifPresent(address -> topic.addSubscription(new EmailSubscription(address)));

    alarm(
        "Api5xx",
        api.stage().metricServerError(fiveMinutes("Sum")),
        settings.api5xxPerFiveMinutes(),
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        1,
        "HTTP API answered " + settings.api5xxPerFiveMinutes() + "+ 5xx in five minutes");

    alarm(
        "ListWorkspacesLatencyP99",
        listWorkspacesLatency(api),
        LIST_LATENCY_P99_MS,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
        3,
        "p99 latency of GET "
            + Api.LIST_WORKSPACES_PATH
            + " above "
            + LIST_LATENCY_P99_MS
            + " ms for 15 minutes");

    dlqAlarm("HostEventsDlqNotEmpty", queues.hostEventsDlq(), "host events");
    dlqAlarm("HostCommandsDlqNotEmpty", queues.hostCommandsDlq(), "host commands");
    for (Arch arch : Arch.values()) {
      String suffix = Queues.idSuffix(arch);
      dlqAlarm(
          "BuildsDlq" + suffix + "NotEmpty", queues.buildsDlq(arch), arch.wireName() + " builds");
      // The build DLQ has a consumer: it fails a readable job's build and deletes it within
      // seconds, but leaves a job it cannot read (a later release's), receiving it again and again,
      // so that one is seldom visible when the count above is sampled, and SQS leaves a message
      // received three times out of the queue's age metric. So: a job there, visible or being
      // received, every minute for BUILD_DLQ_MAX_AGE.
      IQueue buildsDlq = queues.buildsDlq(arch);
      alarm(
          "BuildsDlq" + suffix + "Unread",
          MathExpression.Builder.create()
              .expression("visible + received")
              .usingMetrics(
                  Map.of(
                      "visible",
                      buildsDlq.metricApproximateNumberOfMessagesVisible(oneMinute("Maximum")),
                      "received",
                      buildsDlq.metricApproximateNumberOfMessagesNotVisible(oneMinute("Maximum"))))
              .period(Duration.minutes(1))
              .build(),
          0,
          ComparisonOperator.GREATER_THAN_THRESHOLD,
          BUILD_DLQ_MAX_AGE.toMinutes().intValue(),
          "a job has stayed on the "
              + arch.wireName()
              + " builds' dead-letter queue "
              + BUILD_DLQ_MAX_AGE.toMinutes().intValue()
              + " min: its consumer cannot read it (a later release's job?)");
      alarm(
          "Builds" + suffix + "OldestMessage",
          queues.builds(arch).metricApproximateAgeOfOldestMessage(oneMinute("Maximum")),
          BUILD_QUEUE_MAX_AGE.toSeconds().intValue(),
          ComparisonOperator.GREATER_THAN_THRESHOLD,
          5,
          "a job has waited on the "
              + arch.wireName()
              + " build queue more than "
              + BUILD_QUEUE_MAX_AGE.toHours().intValue()
              + " h: no "
              + arch.wireName()
              + " builder takes jobs, or they are far behind");
    }

    // The sweeper runs every minute and throws when any of its parts failed (after every part
    // had its turn): failing for 15 minutes on end, hosts are not marked DOWN, stuck work is not
    // re-driven, expiries and due emails wait.
    alarm(
        "SweeperFailing",
        sweeper.metricErrors(fiveMinutes("Sum")),
        1,
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        SWEEPER_FAILING_PERIODS,
        "the sweeper failed in each of "
            + SWEEPER_FAILING_PERIODS * 5
            + " minutes' five-minute periods: see its log (a part's ERROR lines name it)");

    alarm(
        "HostEventsOldestMessage",
        queues.hostEvents().metricApproximateAgeOfOldestMessage(oneMinute("Maximum")),
        settings.hostEventsMaxAge().toSeconds().intValue(),
        ComparisonOperator.GREATER_THAN_THRESHOLD,
        5,
        "a host event has waited more than "
            + settings.hostEventsMaxAge().toSeconds().intValue()
            + " s: the consumer is failing or too slow");
  }

  /**
   * Route-level latency, published only because the stage enables detailed metrics. HTTP APIs
   * publish it with the dimensions ApiId, Stage, Method and Resource (the route's path template).
   */
  private static IMetric listWorkspacesLatency(Api api) {
    return Metric.Builder.create()
        .namespace("AWS/ApiGateway")
        .metricName("Latency")
        .dimensionsMap(
            Map.of(
                "ApiId",
                api.httpApi().getApiId(),
                "Stage",
                Api.STAGE,
                "Method",
                "GET",
                "Resource",
                Api.LIST_WORKSPACES_PATH))
        .statistic("p99")
        .period(Duration.minutes(5))
        .build();
  }

  private void dlqAlarm(String id, IQueue dlq, String what) {
    alarm(
        id,
        dlq.metricApproximateNumberOfMessagesVisible(oneMinute("Maximum")),
        0,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
        1,
        "a message of " + what + " was parked in its dead-letter queue");
  }

  private void alarm(
      String id,
      IMetric metric,
      Number threshold,
      ComparisonOperator comparison,
      int periods,
      String description) {
    Alarm alarm =
        Alarm.Builder.create(this, id)
            .metric(metric)
            .threshold(threshold)
            .comparisonOperator(comparison)
            .evaluationPeriods(periods)
            .datapointsToAlarm(periods)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .alarmDescription(description)
            .build();
    alarm.addAlarmAction(new SnsAction(topic));
    alarm.addOkAction(new SnsAction(topic));
    alarms.add(alarm);
  }

  private static MetricOptions oneMinute(String statistic) {
    return MetricOptions.builder().statistic(statistic).period(Duration.minutes(1)).build();
  }

  private static MetricOptions fiveMinutes(String statistic) {
    return MetricOptions.builder().statistic(statistic).period(Duration.minutes(5)).build();
  }

  public Topic topic() {
    return topic;
  }

  public List<Alarm> alarms() {
    return Collections.unmodifiableList(alarms);
  }
}
