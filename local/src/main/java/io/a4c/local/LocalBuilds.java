package io.a4c.local;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.builds.BuildClaimFunction;
import io.a4c.functions.config.FunctionsEnv;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The image builds' part of the local runtime, what the CDK app makes in AWS: the build queue
 * with its dead-letter queue (ElasticMQ, redrive after N receives), the SES endpoint
 * (aws-ses-v2-local), the build-claim function behind a Lambda Invoke stand-in, a poller that
 * hands the dead-letter queue to its consumer, and a scheduler that ticks recurring builds as
 * EventBridge would. Every host daemon is a builder.
 */
final class LocalBuilds implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalBuilds.class);
  static final String BUILD_QUEUE = "a4c-builds";
  static final String BUILD_DLQ = "a4c-builds-dlq";
  static final String CLAIM_FUNCTION = "a4c-build-claim";
  static final String EMAIL_SENDER = "builds@a4c.local";
  static final String USER_EMAIL_DOMAIN = "users.a4c.local";

  private final LocalConfig config;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final String queueUrl;
  private final String dlqUrl;
  private final String dlqArn;
  private final LocalSes ses;
  private LambdaInvokeServer lambda;

  private LocalBuilds(LocalConfig config, String queueUrl, String dlqUrl, String dlqArn, LocalSes ses) {
    this.config = config;
    this.queueUrl = queueUrl;
    this.dlqUrl = dlqUrl;
    this.dlqArn = dlqArn;
    this.ses = ses;
    started.push(ses);
  }

  /** Creates the queues and starts the SES endpoint: what the functions' configuration names. */
  static LocalBuilds prepare(LocalConfig config, SqsClient sqs) throws Exception {
    var builds = config.builds();
    String dlqUrl = sqs.createQueue(b -> b.queueName(BUILD_DLQ)).queueUrl();
    String dlqArn =
        sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
    String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + builds.maxReceives() + "\"}";
    String queueUrl =
        sqs.createQueue(
                b ->
                    b.queueName(BUILD_QUEUE)
                        .attributes(
                            Map.of(
                                QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(builds.visibility().toSeconds()),
                                QueueAttributeName.REDRIVE_POLICY, redrive)))
            .queueUrl();
    LocalSes ses = LocalSes.start(builds.sesDirectory(), config.dataDir());
    return new LocalBuilds(config, queueUrl, dlqUrl, dlqArn, ses);
  }

  /** The functions' build settings. */
  Map<String, String> functionsEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put(FunctionsEnv.BUILD_QUEUE_URL, queueUrl);
    env.put(FunctionsEnv.BUILD_SCHEDULES_TABLE, LocalTables.BUILD_SCHEDULES);
    env.put(FunctionsEnv.BUILD_LOGS_TABLE, LocalTables.BUILD_LOGS);
    env.put(FunctionsEnv.BUILD_MAX_RECEIVES, Integer.toString(config.builds().maxReceives()));
    env.put(FunctionsEnv.EMAIL_SENDER, EMAIL_SENDER);
    env.put(FunctionsEnv.USER_EMAIL_DOMAIN, USER_EMAIL_DOMAIN);
    env.put(FunctionsEnv.SES_ENDPOINT, ses.endpoint().toString());
    return env;
  }

  /** Starts what runs the functions: the claim function's endpoint, the DLQ poller, the scheduler. */
  void start(FunctionsComponent functions, SqsClient sqs) throws Exception {
    lambda = new LambdaInvokeServer(Map.of(CLAIM_FUNCTION, claimFunction(functions)));
    started.push(lambda);
    var deadLetters =
        new SqsEventSourcePoller(sqs, dlqUrl, dlqArn, functions.buildDeadLetters()::handle, config.pollWait());
    deadLetters.start(1);
    started.push(deadLetters);
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("recurring-builds").factory());
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
        every, every, TimeUnit.MILLISECONDS);
    started.push(ticker::shutdownNow);
  }

  private static LambdaInvokeServer.StreamFunction claimFunction(FunctionsComponent functions) {
    var function = BuildClaimFunction.local(functions.buildLease());
    return function::handle;
  }

  /** Every local daemon's builder role. */
  DaemonConfig.Builder builderConfig() {
    var builds = config.builds();
    return new DaemonConfig.Builder(
        true, queueUrl, builds.concurrency(), CLAIM_FUNCTION, builds.visibility(), Optional.of(lambda.endpoint()));
  }

  String queueUrl() {
    return queueUrl;
  }

  String deadLetterQueueUrl() {
    return dlqUrl;
  }

  URI sesEndpoint() {
    return ses.endpoint();
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
