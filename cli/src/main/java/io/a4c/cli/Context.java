package io.a4c.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Map;

/**
 * What a command runs with: the environment (for the configuration directory, {@code
 * XDG_CONFIG_HOME}), its output streams, standard input, whether standard output is a terminal (a
 * live progress line or one line per change) and the HTTP client. Tests make their own.
 *
 * @param env the process environment
 * @param out standard output: results, tables, JSON
 * @param err standard error: progress, errors
 * @param in standard input (a token given on it to {@code login})
 * @param terminal whether {@code out} is a terminal
 * @param clock the clock of elapsed times and token expiry
 * @param http the one HTTP client
 */
public record Context(
    Map<String, String> env,
    PrintWriter out,
    PrintWriter err,
    InputStream in,
    boolean terminal,
    Clock clock,
    HttpClient http) {

  /** The context of a process: its environment, its standard streams. */
  public static Context ofProcess() {
    return new Context(
        System.getenv(),
        new PrintWriter(System.out, true),
        new PrintWriter(System.err, true),
        System.in,
        onTerminal(),
        Clock.systemUTC(),
        Api.newHttpClient());
  }

  /**
   * Whether the process runs on a terminal. From JDK 22 on, {@code System.console()} is there even
   * when the streams are redirected, and {@code Console.isTerminal()} (absent before 22; the CLI is
   * compiled for 17) tells.
   */
  private static boolean onTerminal() {
    var console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /** The configuration store this context's environment names. */
  public ConfigStore configStore() {
    return ConfigStore.of(env);
  }
}
