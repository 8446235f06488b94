package io.a4c.local;

/** Environment variables of the local runtime (besides the functions' and daemons' own). */
public final class LocalEnv {
  /** Port of the HTTP API on 127.0.0.1 (default 8080; 0 picks a free one). */
  public static final String PORT = "A4C_PORT";

  /** Where DynamoDB data, the token key and hostname files live (default {@code ~/.a4c}). */
  public static final String DATA_DIR = "A4C_DATA_DIR";

  /**
   * Docker endpoints, comma-separated, each optionally named: {@code
   * h1=unix:///var/run/docker.sock, h2=unix:///run/a4c/h2.sock}. One host daemon runs per entry.
   * Default: the local socket as h1.
   */
  public static final String DOCKER_HOSTS = "A4C_DOCKER_HOSTS";

  /** Seconds between heartbeats of the local daemons (default 5). */
  public static final String HEARTBEAT_SECONDS = "A4C_HEARTBEAT_SECONDS";

  /**
   * Heartbeats a host may miss before it stops being a placement candidate and is marked DOWN
   * (default 3). Tests on a loaded machine use more, so a starved heartbeat is not a dead host.
   */
  public static final String HOST_DOWN_AFTER_MISSED_BEATS = "A4C_HOST_DOWN_AFTER_MISSED_BEATS";

  /** Seconds between each daemon's container inventory for the reconciler (default 30). */
  public static final String RECONCILE_SECONDS = "A4C_RECONCILE_SECONDS";

  /** Age in seconds below which the reconciler leaves a container or record alone (default 60). */
  public static final String RECONCILE_GRACE_SECONDS = "A4C_RECONCILE_GRACE_SECONDS";

  /** Seconds a command received by a daemon that then dies stays hidden (default 60). */
  public static final String COMMAND_VISIBILITY_SECONDS = "A4C_COMMAND_VISIBILITY_SECONDS";

  /** Seconds between sweeps (hosts DOWN, stuck work; default 15). */
  public static final String SWEEP_SECONDS = "A4C_SWEEP_SECONDS";

  /**
   * Seconds after which a create or delete that has not moved is re-driven or failed (default 300).
   */
  public static final String STUCK_AFTER_SECONDS = "A4C_STUCK_AFTER_SECONDS";

  /** Fixed port for Dynoxide, the local DynamoDB engine (default: a free one), for other tools. */
  public static final String DYNAMODB_PORT = "A4C_DYNAMODB_PORT";

  /** Fixed port for ElasticMQ (default: a free one). */
  public static final String SQS_PORT = "A4C_SQS_PORT";

  /**
   * Port of the DNS server for workspace hostnames on 127.0.0.1, UDP and TCP (default 5353; 0 picks
   * a free one, as the tests do).
   */
  public static final String DNS_PORT = "A4C_DNS_PORT";

  /**
   * Issuer of the bearer tokens to accept, e.g. your OIDC provider's {@code iss}. With {@link
   * #JWKS_URL}, the runtime verifies that provider's tokens instead of minting its own; unset:
   * development tokens ({@code POST /local/tokens}).
   */
  public static final String JWT_ISSUER = "A4C_JWT_ISSUER";

  /** The issuer's JSON Web Key Set URL (set together with {@link #JWT_ISSUER}). */
  public static final String JWKS_URL = "A4C_JWKS_URL";

  /** The audience tokens must name in {@code aud} (default {@code a4c}). */
  public static final String JWT_AUDIENCE = "A4C_JWT_AUDIENCE";

  /** Most workspaces a user may hold at once, unless a project overrides it (default 10). */
  public static final String MAX_WORKSPACES_PER_USER = "A4C_MAX_WORKSPACES_PER_USER";

  /**
   * The repository the local builders push to and hosts pull from, {@code host[:port]/path}
   * (default {@code 10.250.0.1:5000/a4c-images}, the registry {@code local/engines.sh} runs).
   */
  public static final String IMAGE_REPOSITORY = "A4C_IMAGE_REPOSITORY";

  /**
   * A file holding {@code user:password} for the repository's registry, which the local daemons
   * send with their pushes and pulls (basic auth). Default: {@code
   * /var/lib/a4c/registry-credentials}, which {@code local/engines.sh up} writes (mode 0600) for
   * its registry; for a repository elsewhere, no login unless this is set.
   */
  public static final String REGISTRY_CREDENTIALS_FILE = "A4C_REGISTRY_CREDENTIALS_FILE";

  /** Builds each local builder runs at once (default 2). */
  public static final String BUILD_CONCURRENCY = "A4C_BUILD_CONCURRENCY";

  /** Seconds a taken build job stays hidden before it returns to another builder (default 300). */
  public static final String BUILD_VISIBILITY_SECONDS = "A4C_BUILD_VISIBILITY_SECONDS";

  /** Receives of a build job before the build queue dead-letters it (default 3, as in AWS). */
  public static final String BUILD_MAX_RECEIVES = "A4C_BUILD_MAX_RECEIVES";

  /** Seconds between ticks of the recurring-builds scheduler (default 60). */
  public static final String RECURRING_TICK_SECONDS = "A4C_RECURRING_TICK_SECONDS";

  /**
   * Directory holding the npm package aws-ses-v2-local (its {@code node_modules}); default {@code
   * local/ses} or {@code ses} under the working directory. {@code local/engines.sh install} puts it
   * there.
   */
  public static final String SES_LOCAL_DIR = "A4C_SES_LOCAL_DIR";

  /**
   * Directory holding the npm package of Dynoxide, the local DynamoDB engine (its {@code
   * node_modules}); default {@code local/dynoxide} or {@code dynoxide} under the working directory.
   * {@code local/engines.sh install} puts it there.
   */
  public static final String DYNOXIDE_DIR = io.a4c.local.embedded.Dynoxide.DIRECTORY_SETTING;

  private LocalEnv() {}
}
