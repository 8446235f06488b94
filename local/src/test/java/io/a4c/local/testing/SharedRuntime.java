package io.a4c.local.testing;

import io.a4c.local.LocalConfig;
import io.a4c.local.LocalEnv;
import io.a4c.local.LocalRuntime;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests one local runtime for the whole run — real Dynoxide, ElasticMQ and a daemon per
 * Docker engine — started on first use and closed when the run ends. The engines come from {@code
 * A4C_TEST_DOCKER_HOSTS} (what {@code ./a4c test} exports: three engines), else the local socket
 * alone. Tests keep out of each other's way with their own user ids and project names.
 *
 * <p>There is at most one runtime per JVM (two would reconcile away each other's containers on the
 * same engines): JUnit Jupiter tests get it through this extension, and other engines' tests (jqwik
 * properties) through {@link #acquire()} and {@link #release()}; the engines run one after the
 * other, so each closes it when it is done. A class that starts its own runtime on the same engines
 * (another process, say) calls {@link #release()} first.
 */
public final class SharedRuntime implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedRuntime.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LocalRuntime.class
        || type == ApiClient.class
        || type == Fleet.class
        || type == Mailbox.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // The run's end closes whatever runtime is current then; a class that needed the engines to
    // itself may have closed an earlier one (release()), and the next test starts a new one.
    context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(AtRunEnd.class, k -> new AtRunEnd(), AtRunEnd.class);
    Started started = acquireStarted();
    Class<?> type = parameter.getParameter().getType();
    if (type == LocalRuntime.class) {
      return started.runtime;
    }
    if (type == ApiClient.class) {
      return new ApiClient(started.runtime);
    }
    if (type == Mailbox.class) {
      return new Mailbox(started.runtime.sesEndpoint());
    }
    return started.fleet;
  }

  private static Started current;

  private static synchronized Started acquireStarted() {
    if (current == null) {
      current = Started.start();
    }
    return current;
  }

  /** The runtime for a test outside JUnit Jupiter (jqwik); call {@link #release()} when done. */
  public static LocalRuntime acquire() {
    return acquireStarted().runtime;
  }

  /** The fleet of the runtime {@link #acquire()} gave. */
  public static synchronized Fleet fleet() {
    return acquireStarted().fleet;
  }

  /** Closes the current runtime when the test run ends. */
  static final class AtRunEnd implements AutoCloseable {
    @Override
    public void close() {
      release();
    }
  }

  /**
   * Closes the runtime {@link #acquire()} gave, or the one JUnit tests share: a test class that
   * runs a runtime of its own on the same engines calls it first (the next user starts a new one).
   */
  public static synchronized void release() {
    if (current != null) {
      current.close();
    }
  }

  /** The runtime and its fleet; closed by JUnit at the end of the run. */
  static final class Started implements AutoCloseable {
    final LocalRuntime runtime;
    final Fleet fleet;

    private Started(LocalRuntime runtime, Fleet fleet) {
      this.runtime = runtime;
      this.fleet = fleet;
    }

    static Started start() {
      try {
        String hosts =
            System.getenv().getOrDefault("A4C_TEST_DOCKER_HOSTS", "h1=unix:///var/run/docker.sock");
        var env =
            new java.util.HashMap<>(
                Map.ofEntries(
                    Map.entry(LocalEnv.PORT, "0"),
                    Map.entry(LocalEnv.DNS_PORT, "0"),
                    Map.entry(LocalEnv.DATA_DIR, Files.createTempDirectory("a4c-test").toString()),
                    Map.entry(LocalEnv.DOCKER_HOSTS, hosts),
                    Map.entry(LocalEnv.HEARTBEAT_SECONDS, "1"),
                    // Generous: on a loaded machine a late heartbeat must not look like a dead
                    // host.
                    Map.entry(LocalEnv.HOST_DOWN_AFTER_MISSED_BEATS, "30"),
                    Map.entry(LocalEnv.RECONCILE_SECONDS, "1"),
                    Map.entry(LocalEnv.RECONCILE_GRACE_SECONDS, "3"),
                    Map.entry(LocalEnv.COMMAND_VISIBILITY_SECONDS, "4"),
                    Map.entry(LocalEnv.SWEEP_SECONDS, "1"),
                    Map.entry(LocalEnv.STUCK_AFTER_SECONDS, "20"),
                    Map.entry(LocalEnv.IMAGE_REPOSITORY, registry() + "/a4c-images"),
                    // A killed builder's job comes back within seconds, not the five minutes of
                    // AWS.
                    Map.entry(LocalEnv.BUILD_VISIBILITY_SECONDS, "6"),
                    Map.entry(LocalEnv.RECURRING_TICK_SECONDS, "1"),
                    // Idle stops within seconds of a project's window (issue 13's tests).
                    Map.entry("A4C_IDLE_CHECK_SECONDS", "2")));
        // The registry's user:password: local/engines.sh's file for its registry by default.
        String credentials = System.getenv("A4C_TEST_REGISTRY_CREDENTIALS_FILE");
        if (credentials != null && !credentials.isBlank()) {
          env.put(LocalEnv.REGISTRY_CREDENTIALS_FILE, credentials);
        }
        var config = LocalConfig.fromEnvironment(env);
        var runtime = LocalRuntime.start(config);
        return new Started(runtime, new Fleet(config.dockerHosts()));
      } catch (Exception e) {
        throw new IllegalStateException("the local runtime did not start: " + e.getMessage(), e);
      }
    }

    /** The registry the engines share: {@code A4C_TEST_REGISTRY} (what ./a4c test exports). */
    static String registry() {
      return System.getenv().getOrDefault("A4C_TEST_REGISTRY", "10.250.0.1:5000");
    }

    @Override
    public void close() {
      synchronized (SharedRuntime.class) {
        if (current == this) {
          current = null;
        }
      }
      fleet.close();
      runtime.close();
    }
  }
}
