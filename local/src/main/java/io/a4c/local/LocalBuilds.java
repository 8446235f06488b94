package io.a4c.local;

import io.a4c.daemon.config.DaemonEnv;
import io.a4c.events.Arch;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.builds.BuildClaimFunction;
import io.a4c.functions.config.FunctionsEnv;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * The image builds' part of the local runtime, what the CDK app makes in AWS: a build queue per
 * arch, each with its dead-letter queue (ElasticMQ, redrive after N receives), the SES endpoint
 * (aws-ses-v2-local), the build-claim function behind a Lambda Invoke stand-in, a poller per
 * dead-letter queue that hands it to its consumer, and a scheduler that ticks recurring builds as
 * EventBridge would. Every host daemon is a builder, given every arch's queue: it polls its
 * engine's.
 */
final class LocalBuilds implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalBuilds.class);
  static final String CLAIM_FUNCTION = "a4c-build-claim";
  static final String EMAIL_SENDER = "builds@a4c.local";
  static final String USER_EMAIL_DOMAIN = "users.a4c.local";

  /** One arch's build queue and its dead-letter queue. */
  private record ArchQueues(String url, String dlqUrl, String dlqArn) {}

  private final LocalConfig config;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final Map<Arch, ArchQueues> queues;
  private final LocalSes ses;
  private LambdaInvokeServer lambda;

  private LocalBuilds(LocalConfig config, Map<Arch, ArchQueues> queues, LocalSes ses) {
    this.config = config;
    this.queues = Map.copyOf(queues);
    this.ses = ses;
    started.push(ses);
  }

  /** The build queue's name for {@code arch}, e.g. {@code a4c-builds-amd64}. */
  static String queueName(Arch arch) {
    return "a4c-builds-" + arch.wireName();
  }

  /** Creates the queues and starts the SES endpoint: what the functions' configuration names. */
  static LocalBuilds prepare(LocalConfig config, SqsClient sqs) throws Exception {
    Map<Arch, ArchQueues> queues = new EnumMap<>(Arch.class);
    for (Arch arch : Arch.values()) {
      queues.put(arch, createQueues(sqs, queueName(arch), config.builds()));
    }
    LocalSes ses = LocalSes.start(config.builds().sesDirectory(), config.dataDir());
    return new LocalBuilds(config, queues, ses);
  }

  private static ArchQueues createQueues(SqsClient sqs, String name, LocalConfig.Builds builds) {
    String dlqUrl = sqs.createQueue(b -> b.queueName(name + "-dlq")).queueUrl();
    String dlqArn =
        sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String redrive =
        "{\"deadLetterTargetArn\":\""
            + dlqArn
            + "\",\"maxReceiveCount\":\""
            + builds.maxReceives()
            + "\"}";
    var attributes =
        Map.of(
            QueueAttributeName.VISIBILITY_TIMEOUT,
            Long.toString(builds.visibility().toSeconds()),
            QueueAttributeName.REDRIVE_POLICY,
            redrive);
    String url;
    try {
      url = sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    } catch (QueueNameExistsException e) {
      // Kept from an earlier run with other settings: the queue and its jobs stay, this run's
      // settings apply.
      url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
      String existing = url;
      sqs.setQueueAttributes(b -> b.queueUrl(existing).attributes(attributes));
    }
    return new ArchQueues(url, dlqUrl, dlqArn);
  }

  /** The functions' build settings (the tables come with {@link LocalEmulators}). */
  Map<String, String> functionsEnvironment() {
    Map<String, String> env = new HashMap<>();
    queues.forEach((arch, q) -> env.put(FunctionsEnv.buildQueueUrl(arch), q.url()));
    env.put(FunctionsEnv.BUILD_MAX_RECEIVES, Integer.toString(config.builds().maxReceives()));
    env.put(FunctionsEnv.IMAGE_REPOSITORY, config.builds().repository().toString());
    env.put(FunctionsEnv.EMAIL_SENDER, EMAIL_SENDER);
    env.put(FunctionsEnv.USER_EMAIL_DOMAIN, USER_EMAIL_DOMAIN);
    env.put(FunctionsEnv.SES_ENDPOINT, ses.endpoint().toString());
    return env;
  }

  /**
   * Starts what runs the functions: the claim function's endpoint, the DLQ poller, the scheduler.
   */
  void start(FunctionsComponent functions, SqsClient sqs) throws Exception {
    lambda = new LambdaInvokeServer(Map.of(CLAIM_FUNCTION, claimFunction(functions)));
    started.push(lambda);
    for (ArchQueues q : queues.values()) {
      var deadLetters =
          new SqsEventSourcePoller(
              sqs,
              q.dlqUrl(),
              q.dlqArn(),
              functions.buildDeadLetters()::handle,
              config.timings().pollWait());
      deadLetters.start(1);
      started.push(deadLetters);
    }
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("recurring-builds").factory());
    var recurring = functions.recurringBuilds();
    long every = config.builds().recurringTick().toMillis();
    ticker.scheduleWithFixedDelay(
        () -> {
          try {
            recurring.tick();
          } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("recurring builds tick failed");
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
    started.push(ticker::shutdownNow);
  }

  private static LambdaInvokeServer.StreamFunction claimFunction(FunctionsComponent functions) {
    var function = BuildClaimFunction.local(functions.buildClaimDoor());
    return function::handle;
  }

  /** What makes a local daemon a builder of these queues, as a builder host's environment. */
  Map<String, String> daemonEnvironment() {
    var builds = config.builds();
    var env = new java.util.HashMap<String, String>();
    queues.forEach((arch, q) -> env.put(DaemonEnv.buildQueueUrl(arch), q.url()));
    env.put(DaemonEnv.BUILDER, "true");
    env.put(DaemonEnv.BUILD_CONCURRENCY, Integer.toString(builds.concurrency()));
    env.put(DaemonEnv.BUILD_CLAIM_FUNCTION, CLAIM_FUNCTION);
    env.put(DaemonEnv.BUILD_VISIBILITY_SECONDS, Long.toString(builds.visibility().toSeconds()));
    env.put(DaemonEnv.LAMBDA_ENDPOINT, lambda.endpoint().toString());
    env.put(DaemonEnv.IMAGE_REPOSITORY, builds.repository().toString());
    return env;
  }

  String queueUrl(Arch arch) {
    return queues.get(arch).url();
  }

  String deadLetterQueueUrl(Arch arch) {
    return queues.get(arch).dlqUrl();
  }

  URI sesEndpoint() {
    return ses.endpoint();
  }

  URI lambdaEndpoint() {
    return lambda.endpoint();
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        log.atWarn().setCause(e).log("builds shutdown step failed");
      }
    }
  }
}
