package io.a4c.daemon.builds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextArchiveTest {
  @TempDir Path context;

  @Test
  void theContextKeepsItsModesAndLinksAndLeavesOutWhatIsExcluded() throws Exception {
    Files.writeString(context.resolve("Dockerfile"), "FROM a4c-base:bookworm\n");
    Path src = Files.createDirectories(context.resolve("src/lib"));
    Files.writeString(src.resolve("a.c"), "int a;\n");
    Files.writeString(context.resolve("src/build.sh"), "#!/bin/sh\n");
    Files.createDirectories(context.resolve("src/.git/objects"));
    Files.writeString(context.resolve("src/.git/HEAD"), "ref: refs/heads/main\n");
    Files.createSymbolicLink(context.resolve("src/current"), Path.of("lib/a.c"));
    mode(context.resolve("src"), "rwxrwxr-x");
    mode(src, "rwxrwxr-x");
    mode(src.resolve("a.c"), "rw-rw-r--");
    mode(context.resolve("src/build.sh"), "rwxrwxr-x");

    var out = new ByteArrayOutputStream();
    ContextArchive.write(context, Set.of("src/.git"), out);

    Map<String, TarArchiveEntry> entries = new HashMap<>();
    Map<String, String> contents = new HashMap<>();
    try (var tar = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        entries.put(entry.getName(), entry);
        contents.put(entry.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(entries)
        .containsOnlyKeys(
            "Dockerfile", "src/", "src/lib/", "src/lib/a.c", "src/build.sh", "src/current");
    assertThat(entries.get("src/").getMode() & 07777).isEqualTo(0775);
    assertThat(entries.get("src/lib/a.c").getMode() & 07777).isEqualTo(0664);
    assertThat(entries.get("src/build.sh").getMode() & 07777).isEqualTo(0775);
    assertThat(entries.get("src/current").isSymbolicLink()).isTrue();
    assertThat(entries.get("src/current").getLinkName()).isEqualTo("lib/a.c");
    assertThat(entries.get("src/lib/a.c").getLongUserId()).isZero();
    assertThat(contents.get("src/lib/a.c")).isEqualTo("int a;\n");
    assertThat(contents.get("Dockerfile")).isEqualTo("FROM a4c-base:bookworm\n");
  }

  private static void mode(Path path, String mode) throws Exception {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
  }
}
