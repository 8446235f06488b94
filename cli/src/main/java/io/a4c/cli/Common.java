package io.a4c.cli;

import io.a4c.cli.ConfigStore.Config;
import java.net.URI;
import picocli.CommandLine.Option;

/**
 * The options every command has ({@code --json}, {@code --verbose}) and what it needs to talk to
 * the API: the stored login, checked before any request.
 */
public final class Common {
  @Option(
      names = "--json",
      description = "Print the API's JSON (for scripts) instead of a table or text.")
  boolean json;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print each request, its status and, on an error, its request id.")
  boolean verbose;

  /** Whether to print JSON. */
  public boolean json() {
    return json;
  }

  /**
   * The API client of the stored login. Not logged in, or a token that has expired, is an {@link
   * ExitCodes#AUTH} error saying to log in, before any request.
   */
  public Api api(Context context) {
    Config config =
        context
            .configStore()
            .read()
            .filter(c -> c.url() != null && c.token() != null)
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCodes.AUTH,
                        "not logged in: run `a4c-cli login --url URL` (with --token, the token on"
                            + " standard input, or --dev-user NAME against the local runtime)"));
    Jwt.read(config.token())
        .filter(jwt -> jwt.expiredAt(context.clock().instant()))
        .ifPresent(
            jwt -> {
              throw new CliException(
                  ExitCodes.AUTH,
                  "your token expired at "
                      + jwt.expiresAt()
                      + ": log in again with `a4c-cli login --url "
                      + config.url()
                      + "`");
            });
    return new Api(
        context.http(), URI.create(config.url()), config.token(), verbose, context.err());
  }

  /** An API client at {@code url} without a token (logging in). */
  public Api anonymous(Context context, String url) {
    return new Api(context.http(), URI.create(url), null, verbose, context.err());
  }

  /** Prints a reply's JSON, indented. */
  public static void printJson(Context context, Object json) {
    try {
      context.out().println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
