package io.a4c.local;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The dashboard's built files ({@code web/dist}, copied into the jar under {@code web/} by the
 * local module's build), served by {@link ApiGatewayServer} at {@code /} from the runtime's own
 * origin: the page calls the API there, so no CORS is needed locally, and it loads nothing from
 * anywhere else (its {@link #CONTENT_SECURITY_POLICY} says so to the browser too).
 */
final class DashboardAssets {
  /** Where the build puts the files on the class path. */
  static final String ROOT = "web/";

  /**
   * Everything from this origin only, no inline script, no framing; {@code connect-src 'self'}
   * keeps every API call on the runtime.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
          + "form-action 'self'; frame-ancestors 'none'";

  /** A built file's name: Vite's {@code assets/name-hash.ext} and the top-level files. */
  private static final Pattern FILE = Pattern.compile("(assets/)?[A-Za-z0-9][A-Za-z0-9._-]*");

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "json", "application/json",
          "webmanifest", "application/manifest+json");

  /** A file to send: its bytes and content type. */
  record Asset(byte[] bytes, String contentType, boolean immutable) {}

  private final ClassLoader loader;

  DashboardAssets(ClassLoader loader) {
    this.loader = loader;
  }

  /** Whether the jar holds the built dashboard (a build without npm would not). */
  boolean present() {
    return loader.getResource(ROOT + "index.html") != null;
  }

  /**
   * The file a raw request path names: {@code /} is {@code index.html}; anything not shaped like a
   * built file's name (a {@code ..}, an encoded character) is empty, as is a missing file.
   */
  Optional<Asset> find(String rawPath) throws IOException {
    String name = rawPath.equals("/") ? "index.html" : rawPath.substring(1);
    if (!FILE.matcher(name).matches() || name.contains("..")) {
      return Optional.empty();
    }
    String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
    if (type == null) {
      return Optional.empty();
    }
    try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        return Optional.empty();
      }
      // Vite names every asset by its content's hash: such a name never changes meaning.
      return Optional.of(new Asset(in.readAllBytes(), type, name.startsWith("assets/")));
    }
  }
}
