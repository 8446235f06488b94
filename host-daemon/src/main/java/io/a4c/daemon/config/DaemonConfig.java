package io.a4c.daemon.config;

import io.a4c.daemon.registry.ImageRepository;
import io.a4c.daemon.registry.RegistryCredentials;
import io.a4c.daemon.registry.RegistryLogin;
import io.a4c.events.Arch;
import io.a4c.events.Names;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a host daemon reads from its environment, checked at start-up.
 *
 * @param reconcileInterval time between inventories of the host's A4C containers
 * @param commandVisibility how long a received command stays hidden (extended while it runs)
 * @param commandConcurrency how many workspaces' commands run at once (one at a time per workspace)
 * @param createAttempts how many times a create is tried after transient failures
 * @param retryBackoff the wait before the second attempt; doubled for each further one
 * @param eventKey the key this host signs its events with, when the consumer checks signatures
 * @param imageRepository the one repository builders push to and hosts pull from; a builder needs
 *     it, and a host needs it to pull from a registry that wants a login
 * @param registryLogin how pushes and pulls log in to {@code imageRepository}'s registry
 * @param registryCredentials the user and password of a {@link RegistryLogin#BASIC} login
 * @param builder the builder role's settings; {@link Builder#enabled()} false on hosts that only
 *     run workspaces
 * @param workspaceSubnet this host's routed workspace subnet, when it has one: workspaces get their
 *     addresses from it on the Docker network {@code a4c-workspaces}; else the default bridge
 * @param idleCheckInterval time between the idle watcher's looks at the running workspaces
 * @param idleCpuPercent CPU use (percent of one core) above which a workspace is in use
 * @param imageDiskBudgetPercent Docker's disk use (percent of its filesystem) above which the image
 *     collection removes old builds' images; 0 for on every run
 * @param imageKeepNewest how many of the newest builds of each (project, parent, arch) the image
 *     collection always keeps
 * @param workspaceDiskLimitBytes the most a workspace's writable layer (its files outside {@code
 *     /home}) may hold before its host stops it; 0 for no limit
 */
public record DaemonConfig(
    String hostId,
    String dockerHost,
    String hostEventsQueueUrl,
    String hostQueuePrefix,
    Duration heartbeatInterval,
    int capacity,
    Path dataDir,
    Duration pollWait,
    Duration reconcileInterval,
    Duration commandVisibility,
    int commandConcurrency,
    int createAttempts,
    Duration retryBackoff,
    String region,
    Optional<URI> sqsEndpoint,
    Optional<byte[]> eventKey,
    Optional<ImageRepository> imageRepository,
    RegistryLogin registryLogin,
    Optional<RegistryCredentials> registryCredentials,
    Builder builder,
    Optional<WorkspaceSubnet> workspaceSubnet,
    Duration idleCheckInterval,
    int idleCpuPercent,
    int imageDiskBudgetPercent,
    int imageKeepNewest,
    long workspaceDiskLimitBytes) {

  public DaemonConfig {
    Names.require(DaemonEnv.HOST_ID, hostId, Names.HOST_ID);
    eventKey = eventKey.map(byte[]::clone);
    if (imageDiskBudgetPercent < 0 || imageDiskBudgetPercent > 100) {
      throw new IllegalArgumentException(
          DaemonEnv.IMAGE_DISK_BUDGET_PERCENT + " must be from 0 to 100");
    }
    if (workspaceDiskLimitBytes < 0) {
      throw new IllegalArgumentException(
          DaemonEnv.WORKSPACE_DISK_LIMIT_GB + " must not be negative");
    }
    if (imageKeepNewest < 1) {
      throw new IllegalArgumentException(DaemonEnv.IMAGE_KEEP_NEWEST + " must be at least 1");
    }
    if (builder.enabled() && imageRepository.isEmpty()) {
      throw new IllegalArgumentException(DaemonEnv.IMAGE_REPOSITORY + " must be set on a builder");
    }
    if (registryLogin != RegistryLogin.NONE && imageRepository.isEmpty()) {
      throw new IllegalArgumentException(
          DaemonEnv.REGISTRY_LOGIN + " " + registryLogin + " needs " + DaemonEnv.IMAGE_REPOSITORY);
    }
    if (registryLogin == RegistryLogin.BASIC && registryCredentials.isEmpty()) {
      throw new IllegalArgumentException(
          DaemonEnv.REGISTRY_LOGIN
              + " basic needs "
              + DaemonEnv.REGISTRY_USERNAME
              + " and "
              + DaemonEnv.REGISTRY_PASSWORD_FILE);
    }
  }

  /**
   * The builder role.
   *
   * @param queueUrls the build queue of each arch given; the builder polls only its engine's
   * @param concurrency builds run at once, at most
   * @param claimFunction the build-claim function's name or ARN
   * @param visibility how long a taken job stays hidden; extended while the build runs
   * @param buildTimeout how long the engine may build one image; past it the build is stopped on
   *     the engine and FAILED
   * @param lambdaEndpoint endpoint override, for the local runtime and tests only
   * @param cpuShares the CPU weight of a build's steps (Docker CPU shares; a workspace has 1024)
   * @param memoryMb the memory ceiling of a build's steps, swap included; 0 for none
   * @param nice the niceness (0 to 19) of the builder's own child processes, git among them, which
   *     also run at the lowest best-effort I/O priority; 0 for the daemon's own priorities
   */
  public record Builder(
      boolean enabled,
      Map<Arch, String> queueUrls,
      int concurrency,
      String claimFunction,
      Duration visibility,
      Duration buildTimeout,
      Optional<URI> lambdaEndpoint,
      int cpuShares,
      int memoryMb,
      int nice) {
    /** How long an engine build may take unless {@code A4C_BUILD_TIMEOUT_SECONDS} says. */
    public static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofMinutes(120);

    /** Default {@link #cpuShares}: a quarter of a workspace's weight. */
    public static final int DEFAULT_CPU_SHARES = 256;

    /** Default {@link #memoryMb}. */
    public static final int DEFAULT_MEMORY_MB = 4096;

    /**
     * Default {@link #nice}: under contention a process at niceness 10 gets about a tenth of the
     * CPU time of one at 0 (the kernel's weights 110 and 1024).
     */
    public static final int DEFAULT_NICE = 10;

    /** A daemon that builds nothing. */
    public static Builder disabled() {
      return new Builder(
          false,
          Map.of(),
          0,
          null,
          Duration.ofMinutes(5),
          DEFAULT_BUILD_TIMEOUT,
          Optional.empty(),
          DEFAULT_CPU_SHARES,
          DEFAULT_MEMORY_MB,
          DEFAULT_NICE);
    }

    public Builder {
      queueUrls = Map.copyOf(queueUrls);
      if (enabled) {
        if (queueUrls.isEmpty()) {
          throw new IllegalArgumentException(
              DaemonEnv.BUILD_QUEUE_URL_AMD64
                  + " or "
                  + DaemonEnv.BUILD_QUEUE_URL_ARM64
                  + " must be set for a builder");
        }
        Names.requireText(DaemonEnv.BUILD_CLAIM_FUNCTION, claimFunction);
        if (concurrency < 1) {
          throw new IllegalArgumentException(DaemonEnv.BUILD_CONCURRENCY + " must be at least 1");
        }
      }
    }

    /**
     * The build queue of {@code arch}, the builder's engine's.
     *
     * @throws IllegalStateException naming the variable, when this host was given no queue of its
     *     arch
     */
    public String queueUrl(Arch arch) {
      String url = queueUrls.get(arch);
      if (url == null) {
        throw new IllegalStateException(
            "environment variable "
                + DaemonEnv.buildQueueUrl(arch)
                + " must be set: this builder's engine is "
                + arch.wireName());
      }
      return url;
    }
  }

  /**
   * This configuration logging in to its repository's registry with {@code credentials} (basic
   * auth), as one read from {@link DaemonEnv#REGISTRY_USERNAME} and {@link
   * DaemonEnv#REGISTRY_PASSWORD_FILE} would; for a caller that holds the credentials already (the
   * local runtime reads them from its own file).
   */
  public DaemonConfig withRegistryCredentials(RegistryCredentials credentials) {
    return new DaemonConfig(
        hostId,
        dockerHost,
        hostEventsQueueUrl,
        hostQueuePrefix,
        heartbeatInterval,
        capacity,
        dataDir,
        pollWait,
        reconcileInterval,
        commandVisibility,
        commandConcurrency,
        createAttempts,
        retryBackoff,
        region,
        sqsEndpoint,
        eventKey,
        imageRepository,
        RegistryLogin.BASIC,
        Optional.of(credentials),
        builder,
        workspaceSubnet,
        idleCheckInterval,
        idleCpuPercent,
        imageDiskBudgetPercent,
        imageKeepNewest,
        workspaceDiskLimitBytes);
  }

  /**
   * Reads the configuration from an environment map.
   *
   * @throws IllegalStateException naming the variable that is missing or malformed
   */
  public static DaemonConfig fromEnvironment(Map<String, String> env) {
    String hostId = required(env, DaemonEnv.HOST_ID);
    if (!Names.HOST_ID.matcher(hostId).matches()) {
      throw new IllegalStateException(
          DaemonEnv.HOST_ID + " must be lowercase letters, digits and - (up to 40), was " + hostId);
    }
    String endpoint = env.get(DaemonEnv.SQS_ENDPOINT);
    Optional<ImageRepository> repository = imageRepository(env);
    Builder builder = builder(env);
    if (builder.enabled() && repository.isEmpty()) {
      throw new IllegalStateException(
          "environment variable " + DaemonEnv.IMAGE_REPOSITORY + " must be set on a builder");
    }
    Optional<RegistryCredentials> credentials = registryCredentials(env);
    RegistryLogin login;
    try {
      login =
          RegistryLogin.choose(
              env.get(DaemonEnv.REGISTRY_LOGIN), repository, credentials.isPresent());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "environment variable " + DaemonEnv.REGISTRY_LOGIN + ": " + e.getMessage(), e);
    }
    return new DaemonConfig(
        hostId,
        env.getOrDefault(DaemonEnv.DOCKER_HOST, "unix:///var/run/docker.sock"),
        required(env, DaemonEnv.HOST_EVENTS_QUEUE_URL),
        required(env, DaemonEnv.HOST_QUEUE_PREFIX),
        Duration.ofSeconds(number(env, DaemonEnv.HEARTBEAT_SECONDS, 10, 1, 3600)),
        (int) number(env, DaemonEnv.CAPACITY, 20, 0, 10_000),
        Path.of(env.getOrDefault(DaemonEnv.DATA_DIR, "/var/lib/a4c-daemon")),
        Duration.ofSeconds(number(env, DaemonEnv.POLL_WAIT_SECONDS, 20, 1, 20)),
        Duration.ofSeconds(number(env, DaemonEnv.RECONCILE_SECONDS, 60, 1, 86_400)),
        Duration.ofSeconds(number(env, DaemonEnv.COMMAND_VISIBILITY_SECONDS, 120, 2, 43_200)),
        (int) number(env, DaemonEnv.COMMAND_CONCURRENCY, 8, 1, 256),
        3,
        Duration.ofSeconds(1),
        env.getOrDefault(DaemonEnv.AWS_REGION, "us-east-1"),
        endpoint == null || endpoint.isBlank()
            ? Optional.empty()
            : Optional.of(URI.create(endpoint)),
        eventKey(env),
        repository,
        login,
        login == RegistryLogin.BASIC ? credentials : Optional.empty(),
        builder,
        workspaceSubnet(env),
        Duration.ofSeconds(number(env, DaemonEnv.IDLE_CHECK_SECONDS, 60, 1, 86_400)),
        (int) number(env, DaemonEnv.IDLE_CPU_PERCENT, 5, 0, 10_000),
        (int) number(env, DaemonEnv.IMAGE_DISK_BUDGET_PERCENT, 80, 0, 100),
        (int) number(env, DaemonEnv.IMAGE_KEEP_NEWEST, 3, 1, 1000),
        gigabytes(env, DaemonEnv.WORKSPACE_DISK_LIMIT_GB, 50));
  }

  /** A size in GB (decimals allowed, 1 GB = 10^9 bytes) as bytes; 0 allowed. */
  private static long gigabytes(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback * 1_000_000_000L;
    }
    try {
      var parsed = new java.math.BigDecimal(value.trim());
      if (parsed.signum() >= 0 && parsed.compareTo(java.math.BigDecimal.valueOf(1_000_000)) <= 0) {
        return parsed.movePointRight(9).longValue();
      }
    } catch (NumberFormatException e) {
      // reported below with the variable's name
    }
    throw new IllegalStateException(
        "environment variable "
            + name
            + " must be a number of GB from 0 (no limit) to 1000000, such as 50 or 0.5, was "
            + value);
  }

  /**
   * The basic-auth user and the password read from its file: both variables or neither. The file is
   * read here, at start-up, so a missing one stops the daemon rather than every push later.
   */
  private static Optional<RegistryCredentials> registryCredentials(Map<String, String> env) {
    String username = env.get(DaemonEnv.REGISTRY_USERNAME);
    String passwordFile = env.get(DaemonEnv.REGISTRY_PASSWORD_FILE);
    boolean hasUser = username != null && !username.isBlank();
    boolean hasFile = passwordFile != null && !passwordFile.isBlank();
    if (hasUser != hasFile) {
      throw new IllegalStateException(
          "environment variables "
              + DaemonEnv.REGISTRY_USERNAME
              + " and "
              + DaemonEnv.REGISTRY_PASSWORD_FILE
              + " must be set together (or neither)");
    }
    if (!hasUser) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          RegistryCredentials.readingPassword(username.trim(), Path.of(passwordFile.trim())));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "environment variables "
              + DaemonEnv.REGISTRY_USERNAME
              + " and "
              + DaemonEnv.REGISTRY_PASSWORD_FILE
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static Optional<WorkspaceSubnet> workspaceSubnet(Map<String, String> env) {
    String value = env.get(DaemonEnv.WORKSPACE_SUBNET);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new WorkspaceSubnet(value.trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "environment variable " + DaemonEnv.WORKSPACE_SUBNET + " " + e.getMessage(), e);
    }
  }

  private static Optional<ImageRepository> imageRepository(Map<String, String> env) {
    String value = env.get(DaemonEnv.IMAGE_REPOSITORY);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ImageRepository.parse(value.trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "environment variable " + DaemonEnv.IMAGE_REPOSITORY + ": " + e.getMessage(), e);
    }
  }

  private static Builder builder(Map<String, String> env) {
    String enabled = env.getOrDefault(DaemonEnv.BUILDER, "false").trim();
    if (!enabled.equals("true") && !enabled.equals("false")) {
      throw new IllegalStateException(
          "environment variable " + DaemonEnv.BUILDER + " must be true or false, was " + enabled);
    }
    if (enabled.equals("false")) {
      return Builder.disabled();
    }
    String lambda = env.get(DaemonEnv.LAMBDA_ENDPOINT);
    return new Builder(
        true,
        buildQueueUrls(env),
        (int) number(env, DaemonEnv.BUILD_CONCURRENCY, 2, 1, 64),
        required(env, DaemonEnv.BUILD_CLAIM_FUNCTION),
        Duration.ofSeconds(number(env, DaemonEnv.BUILD_VISIBILITY_SECONDS, 300, 5, 43_200)),
        Duration.ofSeconds(
            number(
                env,
                DaemonEnv.BUILD_TIMEOUT_SECONDS,
                Builder.DEFAULT_BUILD_TIMEOUT.toSeconds(),
                1,
                Builder.DEFAULT_BUILD_TIMEOUT.toSeconds())),
        lambda == null || lambda.isBlank() ? Optional.empty() : Optional.of(URI.create(lambda)),
        // Docker's own bounds for shares (2 to 262144); a ceiling under 64 MiB fails any step.
        (int) number(env, DaemonEnv.BUILD_CPU_SHARES, Builder.DEFAULT_CPU_SHARES, 2, 262_144),
        (int) memoryMb(env),
        // nice's own range: 19 is the lowest priority; a daemon may not raise its children's.
        (int) number(env, DaemonEnv.BUILD_NICE, Builder.DEFAULT_NICE, 0, 19));
  }

  /** {@link DaemonEnv#BUILD_MEMORY_MB}: 0 (no ceiling) or from 64 MiB to 1 TiB. */
  private static long memoryMb(Map<String, String> env) {
    long mb = number(env, DaemonEnv.BUILD_MEMORY_MB, Builder.DEFAULT_MEMORY_MB, 0, 1 << 20);
    if (mb != 0 && mb < 64) {
      throw new IllegalStateException(
          "environment variable "
              + DaemonEnv.BUILD_MEMORY_MB
              + " must be 0 (no ceiling) or at least 64, was "
              + mb);
    }
    return mb;
  }

  /** The build queues given, by arch; a builder needs at least the one of its own arch. */
  private static Map<Arch, String> buildQueueUrls(Map<String, String> env) {
    Map<Arch, String> urls = new EnumMap<>(Arch.class);
    for (Arch arch : Arch.values()) {
      String url = env.get(DaemonEnv.buildQueueUrl(arch));
      if (url != null && !url.isBlank()) {
        urls.put(arch, url.trim());
      }
    }
    if (urls.isEmpty()) {
      throw new IllegalStateException(
          "environment variable "
              + DaemonEnv.BUILD_QUEUE_URL_AMD64
              + " or "
              + DaemonEnv.BUILD_QUEUE_URL_ARM64
              + " must be set: the build queue of this builder's arch");
    }
    return urls;
  }

  private static Optional<byte[]> eventKey(Map<String, String> env) {
    String value = env.get(DaemonEnv.EVENT_KEY);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      byte[] key = java.util.Base64.getDecoder().decode(value.trim());
      if (key.length >= 32) {
        return Optional.of(key);
      }
    } catch (IllegalArgumentException e) {
      // reported below, without the value: it is a secret
    }
    throw new IllegalStateException(
        "environment variable "
            + DaemonEnv.EVENT_KEY
            + " must be a base64 key of at least 32 bytes");
  }

  @Override
  public String toString() {
    // The record's own toString would print the key's array reference only, but say so plainly.
    return "DaemonConfig[hostId="
        + hostId
        + ", dockerHost="
        + dockerHost
        + ", eventKey="
        + (eventKey.isPresent() ? "set" : "none")
        + ", registryLogin="
        + registryLogin
        + ", workspaceSubnet="
        + workspaceSubnet.map(WorkspaceSubnet::cidr).orElse("none")
        + "]";
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " must be set");
    }
    return value;
  }

  private static long number(
      Map<String, String> env, String name, long fallback, long min, long max) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below with the variable's name
    }
    throw new IllegalStateException(
        "environment variable "
            + name
            + " must be a number from "
            + min
            + " to "
            + max
            + ", was "
            + value);
  }
}
