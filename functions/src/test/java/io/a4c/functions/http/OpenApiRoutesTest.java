package io.a4c.functions.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The OpenAPI document lists exactly the routes API Gateway and the local runtime serve. */
class OpenApiRoutesTest {
  private static final Pattern PATH = Pattern.compile("^  (/\\S+):\\s*$");
  private static final Pattern METHOD = Pattern.compile("^    (get|put|post|delete|patch):\\s*$");

  @Test
  void theDocumentDescribesEveryRouteAndNoOther() throws IOException {
    List<String> documented = new ArrayList<>();
    String path = null;
    for (String line : Files.readAllLines(Path.of("..", "docs", "openapi.yaml"))) {
      var p = PATH.matcher(line);
      if (p.matches()) {
        path = p.group(1);
        continue;
      }
      var m = METHOD.matcher(line);
      if (m.matches() && path != null) {
        documented.add(m.group(1).toUpperCase(Locale.ROOT) + " " + path);
      } else if (!line.startsWith("  ") && !line.isBlank()) {
        path = null;
      }
    }
    assertThat(documented).containsExactlyInAnyOrderElementsOf(ApiRoutes.ALL.stream().map(ApiRoutes.Route::key).toList());
  }
}
