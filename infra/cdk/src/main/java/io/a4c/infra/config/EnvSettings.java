package io.a4c.infra.config;

import java.util.Locale;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * What differs between environments: one record per environment, one stack definition for all.
 *
 * <p>Only values that really differ live here; everything else is a decision in the construct that
 * owns it.
 *
 * @param name the environment's name, {@code dev} or {@code prod}; prefixes names made here
 * @param production whether data must survive mistakes: deletion protection and RETAIN
 * @param apiMemoryMb memory of the HTTP API functions (also their CPU share)
 * @param workerMemoryMb memory of the queue consumer and the scheduled functions
 * @param hostEventsConcurrency reserved concurrency of the host-events consumer, and the most
 *     pollers its event source mapping may run (at least 2)
 * @param apiRateLimit steady requests per second the HTTP API's stage admits
 * @param apiBurstLimit burst the stage admits
 * @param hostStaleAfter a host whose last heartbeat is older is not a placement candidate
 * @param hostEventsMaxAge the host-events queue's oldest message may be this old before alarming
 * @param api5xxPerFiveMinutes 5xx responses in five minutes that raise the API alarm
 * @param imagesKeptPerTagPrefix images kept per configured tag prefix in the registry
 * @param imagesKeptInTotal safety cap on tagged images in the registry
 * @param logRetention how long function logs are kept
 */
public record EnvSettings(
    String name,
    boolean production,
    int apiMemoryMb,
    int workerMemoryMb,
    int hostEventsConcurrency,
    int apiRateLimit,
    int apiBurstLimit,
    Duration hostStaleAfter,
    Duration hostEventsMaxAge,
    int api5xxPerFiveMinutes,
    int imagesKeptPerTagPrefix,
    int imagesKeptInTotal,
    RetentionDays logRetention) {

  public EnvSettings {
    if (hostEventsConcurrency < 2) {
      // An SQS event source mapping's maximum concurrency cannot be below 2.
      throw new IllegalArgumentException("hostEventsConcurrency must be at least 2");
    }
  }

  /** A development stack: cheap, small, and removed with the stack. */
  public static final EnvSettings DEV =
      new EnvSettings(
          "dev",
          false,
          1024,
          512,
          2,
          20,
          40,
          Duration.seconds(30),
          Duration.minutes(10),
          10,
          5,
          100,
          RetentionDays.ONE_WEEK);

  /** The production stack: data kept and protected, tighter alarms. */
  public static final EnvSettings PROD =
      new EnvSettings(
          "prod",
          true,
          1024,
          1024,
          10,
          200,
          400,
          Duration.seconds(30),
          Duration.minutes(5),
          5,
          20,
          1000,
          RetentionDays.THREE_MONTHS);

  /**
   * The settings of the environment named by the {@code env} context value.
   *
   * @throws IllegalArgumentException naming the context key when the name is unknown
   */
  public static EnvSettings named(String env) {
    return switch (env == null ? "" : env.trim().toLowerCase(Locale.ROOT)) {
      case "dev" -> DEV;
      case "prod" -> PROD;
      default ->
          throw new IllegalArgumentException(
              "context 'env' must be dev or prod, was '" + env + "'");
    };
  }

  /** RETAIN in production, where losing data is the worse mistake; DESTROY elsewhere. */
  public RemovalPolicy removalPolicy() {
    return production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  }

  /** Prefix of every host's FIFO command queue name, e.g. {@code a4c-prod-host-}. */
  public String hostQueuePrefix() {
    return "a4c-" + name + "-host-";
  }
}
