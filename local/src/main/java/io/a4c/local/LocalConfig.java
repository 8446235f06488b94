package io.a4c.local;

import io.a4c.daemon.registry.ImageRepository;
import io.a4c.events.Names;
import io.a4c.functions.config.FunctionsEnv;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local runtime's configuration.
 *
 * @param dockerHosts host id to Docker endpoint, in order
 * @param timings the fleet's intervals and timeouts
 * @param emulators where the AWS stand-ins listen and where Dynoxide is installed
 * @param dnsPort the DNS server's port on 127.0.0.1 (0: a free one)
 * @param tokens how bearer tokens are verified
 * @param maxWorkspacesPerUser the default per-user workspace quota
 * @param builds the image builds' local settings
 * @param daemonSettings the environment's {@code A4C_*} variables, handed to every local host
 *     daemon as a bare-metal daemon reads them (e.g. {@code A4C_HOST_CAPACITY}); what the runtime
 *     sets itself (host id, queues, endpoints, keys) overrides them
 */
public record LocalConfig(
    int port,
    Path dataDir,
    Map<String, String> dockerHosts,
    Timings timings,
    LocalEmulators.Settings emulators,
    int dnsPort,
    TokenSettings tokens,
    int maxWorkspacesPerUser,
    Builds builds,
    Map<String, String> daemonSettings) {

  /** The registry local/engines.sh runs, on the fleet's bridge, with htpasswd auth. */
  public static final String LOCAL_REGISTRY = "10.250.0.1:5000";

  /** The local registry's repository the builds go to. */
  public static final String DEFAULT_IMAGE_REPOSITORY = LOCAL_REGISTRY + "/a4c-images";

  /** Where local/engines.sh keeps the local registry's {@code user:password} (root, mode 0600). */
  public static final Path DEFAULT_REGISTRY_CREDENTIALS_FILE =
      Path.of("/var/lib/a4c/registry-credentials");

  /**
   * The fleet's intervals and timeouts: the daemons', the functions' and the local schedulers'.
   *
   * @param heartbeat time between each daemon's heartbeats
   * @param hostStaleAfter how old a heartbeat may be for placement
   * @param pollWait long-poll wait of the SQS pollers and daemons
   * @param reconcileInterval time between each daemon's container inventories
   * @param reconcileGrace age below which the reconciler leaves containers and records alone
   * @param commandVisibility how long a command taken by a daemon that died stays hidden
   * @param sweep time between sweeps
   * @param stuckAfter age after which a create or delete that has not moved is re-driven or failed
   */
  public record Timings(
      Duration heartbeat,
      Duration hostStaleAfter,
      Duration pollWait,
      Duration reconcileInterval,
      Duration reconcileGrace,
      Duration commandVisibility,
      Duration sweep,
      Duration stuckAfter) {}

  /**
   * Which tokens the local gateway accepts.
   *
   * @param issuer the issuer to trust, with {@code jwksUrl}; empty: development tokens
   * @param audience what {@code aud} must hold
   */
  public record TokenSettings(Optional<String> issuer, Optional<URI> jwksUrl, String audience) {
    /** Development tokens, minted and verified with the runtime's own key. */
    public static TokenSettings development() {
      return new TokenSettings(Optional.empty(), Optional.empty(), LocalTokens.DEV_AUDIENCE);
    }
  }

  /**
   * Image builds locally: every host daemon is also a builder.
   *
   * @param repository where builders push and hosts pull, {@code host[:port]/path}
   * @param registryCredentialsFile the {@code user:password} file of the repository's registry: the
   *     one set, else the local registry's default for the local registry; empty: no login
   * @param concurrency builds per builder at once
   * @param visibility how long a taken job stays hidden (its holder extends it while building)
   * @param maxReceives receives before the build queue dead-letters a job
   * @param recurringTick how often the recurring-builds scheduler ticks
   * @param sesDirectory where aws-ses-v2-local is installed, if set explicitly
   */
  public record Builds(
      ImageRepository repository,
      Optional<Path> registryCredentialsFile,
      int concurrency,
      Duration visibility,
      int maxReceives,
      Duration recurringTick,
      Path sesDirectory) {}

  /**
   * Reads the configuration from an environment map.
   *
   * @throws IllegalStateException naming the variable that is malformed
   */
  public static LocalConfig fromEnvironment(Map<String, String> env) {
    Path dataDir =
        Path.of(
            env.getOrDefault(
                LocalEnv.DATA_DIR, Path.of(System.getProperty("user.home"), ".a4c").toString()));
    Duration heartbeat = Duration.ofSeconds(number(env, LocalEnv.HEARTBEAT_SECONDS, 5));
    ImageRepository repository =
        imageRepository(env.getOrDefault(LocalEnv.IMAGE_REPOSITORY, DEFAULT_IMAGE_REPOSITORY));
    return new LocalConfig(
        (int) number(env, LocalEnv.PORT, 8080),
        dataDir,
        parseDockerHosts(env.getOrDefault(LocalEnv.DOCKER_HOSTS, "h1=unix:///var/run/docker.sock")),
        new Timings(
            heartbeat,
            heartbeat.multipliedBy(
                Math.max(1, number(env, LocalEnv.HOST_DOWN_AFTER_MISSED_BEATS, 3))),
            Duration.ofSeconds(2),
            Duration.ofSeconds(Math.max(1, number(env, LocalEnv.RECONCILE_SECONDS, 30))),
            Duration.ofSeconds(number(env, LocalEnv.RECONCILE_GRACE_SECONDS, 60)),
            Duration.ofSeconds(Math.max(2, number(env, LocalEnv.COMMAND_VISIBILITY_SECONDS, 60))),
            Duration.ofSeconds(Math.max(1, number(env, LocalEnv.SWEEP_SECONDS, 15))),
            Duration.ofSeconds(Math.max(1, number(env, LocalEnv.STUCK_AFTER_SECONDS, 300)))),
        new LocalEmulators.Settings(
            (int) number(env, LocalEnv.DYNAMODB_PORT, 0),
            (int) number(env, LocalEnv.SQS_PORT, 0),
            optionalPath(env, LocalEnv.DYNOXIDE_DIR)),
        (int) number(env, LocalEnv.DNS_PORT, 5353),
        tokenSettings(env),
        (int) Math.max(0, number(env, LocalEnv.MAX_WORKSPACES_PER_USER, 10)),
        new Builds(
            repository,
            registryCredentialsFile(env, repository),
            (int) Math.max(1, number(env, LocalEnv.BUILD_CONCURRENCY, 2)),
            Duration.ofSeconds(Math.max(5, number(env, LocalEnv.BUILD_VISIBILITY_SECONDS, 300))),
            (int) Math.max(1, number(env, LocalEnv.BUILD_MAX_RECEIVES, 3)),
            Duration.ofSeconds(Math.max(1, number(env, LocalEnv.RECURRING_TICK_SECONDS, 60))),
            optionalPath(env, LocalEnv.SES_LOCAL_DIR)),
        daemonSettings(env));
  }

  /**
   * The {@code A4C_*} variables of {@code env}: every local daemon reads them as a host's would.
   */
  private static Map<String, String> daemonSettings(Map<String, String> env) {
    var settings = new java.util.TreeMap<String, String>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith("A4C_") && value != null) {
            settings.put(name, value);
          }
        });
    return java.util.Collections.unmodifiableMap(settings);
  }

  /**
   * The functions' settings a developer gives the local runtime in its environment, as a
   * deployment's functions read them: the default idle stop ({@code A4C_IDLE_STOP_MINUTES}) and the
   * domain of workspace hostnames ({@code A4C_WORKSPACE_DOMAIN}, which the local DNS server answers
   * for too). The runtime's own settings of the functions (tables, queues, timings) are not here.
   */
  public Map<String, String> functionsSettings() {
    var settings = new java.util.TreeMap<String, String>();
    for (String name : List.of(FunctionsEnv.IDLE_STOP_MINUTES, FunctionsEnv.WORKSPACE_DOMAIN)) {
      String value = daemonSettings.get(name);
      if (value != null) {
        settings.put(name, value);
      }
    }
    return java.util.Collections.unmodifiableMap(settings);
  }

  /** The path a variable names, or null when it is unset or blank. */
  private static Path optionalPath(Map<String, String> env, String name) {
    String value = blankToNull(env.get(name));
    return value == null ? null : Path.of(value);
  }

  private static ImageRepository imageRepository(String value) {
    try {
      return ImageRepository.parse(value.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "environment variable " + LocalEnv.IMAGE_REPOSITORY + ": " + e.getMessage(), e);
    }
  }

  /**
   * The credentials file set, else the default one for the local registry only: the local
   * registry's password must not go to a registry elsewhere.
   */
  private static Optional<Path> registryCredentialsFile(
      Map<String, String> env, ImageRepository repository) {
    String value = blankToNull(env.get(LocalEnv.REGISTRY_CREDENTIALS_FILE));
    if (value != null) {
      return Optional.of(Path.of(value.trim()));
    }
    return repository.registry().equals(LOCAL_REGISTRY)
        ? Optional.of(DEFAULT_REGISTRY_CREDENTIALS_FILE)
        : Optional.empty();
  }

  private static TokenSettings tokenSettings(Map<String, String> env) {
    String issuer = blankToNull(env.get(LocalEnv.JWT_ISSUER));
    String jwks = blankToNull(env.get(LocalEnv.JWKS_URL));
    String audience =
        Optional.ofNullable(blankToNull(env.get(LocalEnv.JWT_AUDIENCE)))
            .orElse(LocalTokens.DEV_AUDIENCE);
    if ((issuer == null) != (jwks == null)) {
      throw new IllegalStateException(
          "environment variables "
              + LocalEnv.JWT_ISSUER
              + " and "
              + LocalEnv.JWKS_URL
              + " must be set together (or neither)");
    }
    if (issuer == null) {
      return new TokenSettings(Optional.empty(), Optional.empty(), audience);
    }
    URI uri;
    try {
      uri = new URI(jwks.trim());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(
          "environment variable " + LocalEnv.JWKS_URL + " must be a URL, was " + jwks);
    }
    if (!"https".equals(uri.getScheme())
        && !("http".equals(uri.getScheme()) && isLoopback(uri.getHost()))) {
      throw new IllegalStateException(
          "environment variable "
              + LocalEnv.JWKS_URL
              + " must be an https URL (http only on 127.0.0.1/localhost), was "
              + jwks);
    }
    return new TokenSettings(Optional.of(issuer.trim()), Optional.of(uri), audience.trim());
  }

  private static boolean isLoopback(String host) {
    return "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** Parses {@code [id=]endpoint,…}; unnamed entries are called h1, h2, … by position. */
  static Map<String, String> parseDockerHosts(String value) {
    Map<String, String> hosts = new LinkedHashMap<>();
    List<String> entries = new ArrayList<>();
    for (String entry : value.split(",")) {
      if (!entry.isBlank()) {
        entries.add(entry.trim());
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalStateException(LocalEnv.DOCKER_HOSTS + " names no Docker endpoint");
    }
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      int eq = entry.indexOf('=');
      String id = eq > 0 ? entry.substring(0, eq) : "h" + (i + 1);
      String endpoint = eq > 0 ? entry.substring(eq + 1) : entry;
      if (!Names.HOST_ID.matcher(id).matches()) {
        throw new IllegalStateException(
            LocalEnv.DOCKER_HOSTS + ": host id " + id + " must be lowercase letters, digits and -");
      }
      if (!endpoint.startsWith("unix://") && !endpoint.startsWith("tcp://")) {
        throw new IllegalStateException(
            LocalEnv.DOCKER_HOSTS
                + ": "
                + endpoint
                + " is not a unix:// or tcp:// Docker endpoint");
      }
      if (hosts.put(id, endpoint) != null) {
        throw new IllegalStateException(
            LocalEnv.DOCKER_HOSTS + ": host id " + id + " appears twice");
      }
    }
    return hosts;
  }

  private static long number(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed >= 0 && parsed <= 65535) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below with the variable's name
    }
    throw new IllegalStateException(
        "environment variable " + name + " must be a number from 0 to 65535, was " + value);
  }
}
