package io.a4c.infra.queues;

import io.a4c.events.Arch;
import io.a4c.events.HostQueues;
import io.a4c.infra.config.EnvSettings;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.Arn;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The shared SQS queues and the naming of the per-host ones.
 *
 * <p>Standard queues live in the stack, each with a dead-letter queue: host-events (daemons report,
 * the events function consumes) and one builds queue per {@link Arch} (the functions schedule a job
 * on its arch's queue; builders of that arch take it, so no builder receives a job it would have to
 * hand back). Per-host command queues are FIFO and are <em>not</em> in the stack: each daemon
 * creates {@code <prefix><hostId>.fifo} when it starts, so adding a host needs no queue deployment.
 * This class only names them, for the grants. Their one dead-letter queue is in the stack, FIFO
 * (SQS requires a FIFO queue's DLQ to be FIFO), named {@link
 * HostQueues#commandDeadLetterQueueName}: each daemon points its queue's redrive policy at it, so a
 * command a daemon cannot read (a later release's) or that keeps failing is parked there, alarmed,
 * instead of lost or retried forever.
 */
public final class Queues extends Construct {
  /** Receives before a host event is parked in its DLQ (the consumer is idempotent). */
  public static final int HOST_EVENTS_MAX_RECEIVES = 5;

  /** Receives before a build is parked in its DLQ; a build that killed three builders is FAILED. */
  public static final int BUILD_MAX_RECEIVES = 3;

  /**
   * The host-events consumer's timeout. The queue's visibility is six times this, as Lambda
   * advises, so a batch being retried by the poller is not handed out twice. The build email's
   * claim time ({@code BuildEmails.CLAIM_TIME}, 2 minutes) sits between the two: a report whose
   * function timed out holding the claim is redelivered after the claim ran out.
   */
  public static final Duration HOST_EVENTS_CONSUMER_TIMEOUT = Duration.seconds(30);

  /**
   * The timeout of the build dead-letter queues' consumer. Those queues' visibility is six times
   * this, as for host events: Lambda refuses to map a queue whose visibility is shorter than its
   * consumer's timeout (SQS's default, 30 seconds, is), so the deploy would fail at the mapping.
   */
  public static final Duration BUILD_DEAD_LETTERS_CONSUMER_TIMEOUT = Duration.seconds(60);

  /**
   * A build message's first visibility; builders extend it as a heartbeat while they work, so a
   * dead builder's build comes back within this time.
   */
  public static final Duration BUILD_VISIBILITY = Duration.minutes(5);

  private final String hostQueuePrefix;
  private final Queue hostEvents;
  private final Queue hostEventsDlq;
  private final Queue commandsDlq;
  private final Map<Arch, Queue> builds = new EnumMap<>(Arch.class);
  private final Map<Arch, Queue> buildsDlqs = new EnumMap<>(Arch.class);

  public Queues(Construct scope, String id, EnvSettings settings) {
    super(scope, id);
    this.hostQueuePrefix = settings.hostQueuePrefix();

    hostEventsDlq = deadLetterQueue("HostEventsDlq", null);
    commandsDlq =
        Queue.Builder.create(this, "HostCommandsDlq")
            .queueName(HostQueues.commandDeadLetterQueueName(hostQueuePrefix))
            .fifo(true)
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    hostEvents =
        Queue.Builder.create(this, "HostEvents")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .visibilityTimeout(sixTimes(HOST_EVENTS_CONSUMER_TIMEOUT))
            .retentionPeriod(Duration.days(4))
            .deadLetterQueue(
                DeadLetterQueue.builder()
                    .queue(hostEventsDlq)
                    .maxReceiveCount(HOST_EVENTS_MAX_RECEIVES)
                    .build())
            .build();

    for (Arch arch : Arch.values()) {
      // Consumed by the build dead-letter function, which fails the build.
      Queue dlq =
          deadLetterQueue(
              "BuildsDlq" + idSuffix(arch), sixTimes(BUILD_DEAD_LETTERS_CONSUMER_TIMEOUT));
      buildsDlqs.put(arch, dlq);
      builds.put(
          arch,
          Queue.Builder.create(this, "Builds" + idSuffix(arch))
              .encryption(QueueEncryption.SQS_MANAGED)
              .enforceSsl(true)
              .visibilityTimeout(BUILD_VISIBILITY)
              .retentionPeriod(Duration.days(4))
              .deadLetterQueue(
                  DeadLetterQueue.builder().queue(dlq).maxReceiveCount(BUILD_MAX_RECEIVES).build())
              .build());
    }
  }

  /** {@code Amd64}, {@code Arm64}: how an arch's constructs and outputs are named. */
  public static String idSuffix(Arch arch) {
    String name = arch.wireName();
    return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
  }

  /** Six times a consumer's timeout: the visibility Lambda advises for the queue it consumes. */
  private static Duration sixTimes(Duration consumerTimeout) {
    return Duration.seconds(consumerTimeout.toSeconds().intValue() * 6);
  }

  /**
   * A dead-letter queue; {@code visibility} when a function consumes it, else null (SQS's default).
   */
  private Queue deadLetterQueue(String id, Duration visibility) {
    return Queue.Builder.create(this, id)
        .visibilityTimeout(visibility)
        .encryption(QueueEncryption.SQS_MANAGED)
        .enforceSsl(true)
        .retentionPeriod(Duration.days(14))
        .build();
  }

  /** Prefix of every host's command queue name, e.g. {@code a4c-prod-host-}. */
  public String hostQueuePrefix() {
    return hostQueuePrefix;
  }

  /**
   * ARN of one host's command queue, named by the same rule the daemon creates it with ({@link
   * HostQueues#commandQueueName}).
   */
  public String hostQueueArn(String hostId) {
    return queueArn(HostQueues.commandQueueName(hostQueuePrefix, hostId));
  }

  /**
   * ARN pattern of every host's command queue. It ends in {@code .fifo} so that it can never match
   * a standard queue, whatever name CloudFormation gives those. (It also matches the commands' own
   * FIFO dead-letter queue, which only SQS itself writes to.)
   */
  public String anyHostQueueArn() {
    return queueArn(hostQueuePrefix + "*.fifo");
  }

  private String queueArn(String queueName) {
    return Arn.format(
        ArnComponents.builder()
            .service("sqs")
            .resource(queueName)
            .arnFormat(ArnFormat.NO_RESOURCE_NAME)
            .build(),
        Stack.of(this));
  }

  public Queue hostEvents() {
    return hostEvents;
  }

  public Queue hostEventsDlq() {
    return hostEventsDlq;
  }

  /** The FIFO dead-letter queue of every host's command queue. */
  public Queue hostCommandsDlq() {
    return commandsDlq;
  }

  /** The build queue of {@code arch}. */
  public Queue builds(Arch arch) {
    return builds.get(arch);
  }

  /** The dead-letter queue of {@code arch}'s build queue. */
  public Queue buildsDlq(Arch arch) {
    return buildsDlqs.get(arch);
  }

  /** Every arch's build queue, in {@link Arch} order. */
  public Collection<Queue> allBuilds() {
    return Collections.unmodifiableCollection(builds.values());
  }

  /** Every arch's build dead-letter queue, in {@link Arch} order. */
  public Collection<Queue> allBuildsDlqs() {
    return Collections.unmodifiableCollection(buildsDlqs.values());
  }
}
