package io.a4c.daemon;

import io.a4c.daemon.config.DaemonConfig;

/** Entry point on a bare-metal host: configuration from the environment, runs until stopped. */
public final class HostDaemonMain {
  private HostDaemonMain() {}

  public static void main(String[] args) {
    DaemonConfig config;
    try {
      config = DaemonConfig.fromEnvironment(System.getenv());
    } catch (IllegalStateException e) {
      System.err.println("a4c-host-daemon: " + e.getMessage());
      System.exit(2);
      return;
    }
    HostDaemonComponent component = HostDaemonComponent.create(config);
    HostDaemon daemon = component.daemon();
    var builder = component.buildWorker();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  builder.close(); // jobs in hand come back to other builders
                  daemon.close();
                },
                "shutdown"));
    daemon.start();
    try {
      builder.start();
    } catch (IllegalStateException e) {
      // No build queue of this engine's arch: a configuration error, found once the engine answers.
      System.err.println("a4c-host-daemon: " + e.getMessage());
      System.exit(2);
    }
  }
}
