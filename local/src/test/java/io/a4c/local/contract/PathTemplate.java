package io.a4c.local.contract;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OpenAPI path template such as {@code /v1/users/{userId}/workspaces}, matched against raw
 * request paths segment by segment, as API Gateway and the local gateway match routes. Immutable.
 *
 * @param template the template as the document writes it
 * @param segments its segments; a parameter segment is {@code {name}}
 */
record PathTemplate(String template, List<String> segments) {
  PathTemplate {
    segments = List.copyOf(segments);
  }

  static PathTemplate of(String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("a path template starts with /: " + template);
    }
    return new PathTemplate(template, List.of(template.substring(1).split("/", -1)));
  }

  /** The parameters of {@code rawPath}, percent-decoded, or empty when it does not match. */
  Optional<Map<String, String>> match(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return Optional.empty();
    }
    String[] have = rawPath.substring(1).split("/", -1);
    if (have.length != segments.size()) {
      return Optional.empty();
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 0; i < have.length; i++) {
      String want = segments.get(i);
      if (isParameter(want)) {
        if (have[i].isEmpty()) {
          return Optional.empty();
        }
        // '+' is a literal plus in a path, not a space as in a form.
        parameters.put(
            want.substring(1, want.length() - 1),
            URLDecoder.decode(have[i].replace("+", "%2B"), StandardCharsets.UTF_8));
      } else if (!want.equals(have[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(parameters);
  }

  /** How many segments are literal: among templates that match, the most literal one wins. */
  int literalSegments() {
    return (int) segments.stream().filter(s -> !isParameter(s)).count();
  }

  /** The names of its parameters, in order. */
  List<String> parameterNames() {
    List<String> names = new ArrayList<>();
    for (String segment : segments) {
      if (isParameter(segment)) {
        names.add(segment.substring(1, segment.length() - 1));
      }
    }
    return names;
  }

  private static boolean isParameter(String segment) {
    return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
  }
}
