package io.a4c.cli;

import io.a4c.cli.ApiTypes.TokenRequest;
import io.a4c.cli.ApiTypes.TokenResponse;
import io.a4c.cli.ConfigStore.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code login}, {@code logout}, {@code whoami}: the stored URL and token. */
final class LoginCommands {
  private LoginCommands() {}

  /** The route a login is checked against: any user route, as the caller. */
  private static final String CHECK = "/v1/users/me/workspaces?limit=1";

  /**
   * Logs in: checks the token against the API and keeps the URL and token in the configuration file
   * (mode 0600).
   */
  @Command(
      name = "login",
      mixinStandardHelpOptions = true,
      description = {
        "Log in: keep the API's URL and a token in ~/.config/a4c/config.json (mode 0600).",
        "The token comes from --token, standard input, or, against the local runtime only,"
            + " --dev-user (minted by POST /local/tokens)."
      })
  static final class Login implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Option(
        names = "--url",
        description = "The API's base URL, e.g. http://127.0.0.1:8080 (default: the last one).")
    String url;

    @ArgGroup(exclusive = true)
    Source source;

    static final class Source {
      @Option(names = "--token", description = "The bearer token (else read from standard input).")
      String token;

      @ArgGroup(exclusive = false)
      DevUser dev;
    }

    static final class DevUser {
      @Option(
          names = "--dev-user",
          required = true,
          description = "Local runtime only: mint a development token for this user id.")
      String name;

      @Option(names = "--admin", description = "With --dev-user: an administrator's token.")
      boolean admin;
    }

    Login(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var store = context.configStore();
      String base = url != null ? url : store.read().map(Config::url).orElse(null);
      if (base == null) {
        throw new CliException(ExitCodes.USAGE, "give the API's URL: --url http://HOST:PORT");
      }
      base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
      String token = token(base);
      var api =
          new Api(context.http(), java.net.URI.create(base), token, common.verbose, context.err());
      api.get(CHECK);
      store.write(new Config(base, token));
      var jwt = Jwt.read(token);
      context
          .out()
          .println(
              "logged in to "
                  + base
                  + jwt.map(j -> " as " + j.subject() + (j.admin() ? " (admin)" : "")).orElse(""));
    }

    private String token(String base) {
      if (source != null && source.dev != null) {
        var reply =
            common
                .anonymous(context, base)
                .exchange(
                    "POST", "/local/tokens", new TokenRequest(source.dev.name, source.dev.admin));
        if (reply.status() == 404) {
          throw new CliException(
              ExitCodes.CLIENT_ERROR,
              base
                  + " mints no development tokens: --dev-user works against the local runtime only"
                  + " (elsewhere your identity provider issues tokens: --token)");
        }
        if (reply.status() >= 400) {
          throw common.anonymous(context, base).failure("POST", "/local/tokens", reply);
        }
        return reply.as(TokenResponse.class).token();
      }
      if (source != null && source.token != null) {
        return source.token.trim();
      }
      try {
        String token = new String(context.in().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (token.isEmpty()) {
          throw new CliException(
              ExitCodes.USAGE,
              "no token: give --token, the token on standard input, or --dev-user NAME");
        }
        return token;
      } catch (IOException e) {
        throw new CliException(ExitCodes.USAGE, "cannot read the token: " + e.getMessage());
      }
    }
  }

  /** Forgets the stored token. */
  @Command(
      name = "logout",
      mixinStandardHelpOptions = true,
      description = "Forget the stored token (the URL is kept for the next login).")
  static final class Logout implements Runnable {
    private final Context context;
    @Mixin Common common;

    Logout(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var store = context.configStore();
      var config = store.read();
      if (config.isEmpty() || config.get().token() == null) {
        context.out().println("not logged in");
        return;
      }
      store.write(new Config(config.get().url(), null));
      context.out().println("logged out of " + config.get().url());
    }
  }

  /** Who the stored token is, checked against the API. */
  @Command(
      name = "whoami",
      mixinStandardHelpOptions = true,
      description = "Show the user id, admin flag, API URL and token expiry; checks the token.")
  static final class Whoami implements Runnable {
    private final Context context;
    @Mixin Common common;

    Whoami(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var api = common.api(context);
      api.get(CHECK);
      String token = context.configStore().read().orElseThrow().token();
      var jwt = Jwt.read(token).orElse(new Jwt(null, false, null));
      if (common.json()) {
        var json = new LinkedHashMap<String, Object>();
        json.put("userId", jwt.subject());
        json.put("admin", jwt.admin());
        json.put("url", api.base().toString());
        json.put("expiresAt", jwt.expiresAt() == null ? null : jwt.expiresAt().toString());
        Common.printJson(context, json);
        return;
      }
      context
          .out()
          .println(
              (jwt.subject() == null ? "(a token the CLI cannot read)" : jwt.subject())
                  + (jwt.admin() ? " (admin)" : "")
                  + " at "
                  + api.base()
                  + (jwt.expiresAt() == null ? "" : "; token expires at " + jwt.expiresAt()));
    }
  }
}
