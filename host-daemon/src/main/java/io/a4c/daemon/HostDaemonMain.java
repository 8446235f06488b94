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
    HostDaemon daemon = HostDaemonComponent.create(config).daemon();
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "shutdown"));
    daemon.start();
  }
}
