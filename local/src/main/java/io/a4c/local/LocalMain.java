package io.a4c.local;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar local/target/a4c-local.jar}: starts the local runtime with configuration from
 * the environment and runs until interrupted.
 */
public final class LocalMain {
  private LocalMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-local.xml");
    }
    LocalRuntime runtime;
    try {
      runtime = LocalRuntime.start(LocalConfig.fromEnvironment(System.getenv()));
    } catch (IllegalStateException e) {
      System.err.println("a4c-local: " + e.getMessage());
      System.exit(1);
      return;
    } catch (Exception e) {
      System.err.println("a4c-local: could not start: " + e);
      System.exit(1);
      return;
    }
    var done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runtime.close();
                  done.countDown();
                },
                "shutdown"));
    System.out.printf(
        "A4C local runtime on %s (hosts %s, data in %s)%n"
            + "  development token: curl -s -X POST %s/local/tokens"
            + " -H 'content-type: application/json' -d '{\"sub\":\"alice\"}'%n"
            + "  build emails (SES endpoint): %s/ (GET %s/store lists them)%n"
            + "  workspace hostnames (DNS): 127.0.0.1 port %d, UDP and TCP"
            + " (dig @127.0.0.1 -p %d <hostname>)%n",
        runtime.baseUri(),
        runtime.config().dockerHosts().keySet(),
        runtime.config().dataDir(),
        runtime.baseUri(),
        runtime.sesEndpoint(),
        runtime.sesEndpoint(),
        runtime.dnsPort(),
        runtime.dnsPort());
    done.await();
  }
}
