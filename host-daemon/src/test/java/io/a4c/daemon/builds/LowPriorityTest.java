package io.a4c.daemon.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prefix that runs the builder's child processes at a low priority, tools found on PATH. */
class LowPriorityTest {
  @TempDir Path dir;

  private Path tool(Path where, String name) throws Exception {
    Files.createDirectories(where);
    return Files.createFile(
        where.resolve(name),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
  }

  @Test
  void aNicenessPrefixesNiceAndIoniceFromThePathAndZeroPrefixesNothing() throws Exception {
    Path nice = tool(dir.resolve("bin"), "nice");
    Path ionice = tool(dir.resolve("sbin"), "ionice");
    String path = dir.resolve("empty") + ":" + dir.resolve("bin") + ":" + dir.resolve("sbin");

    assertThat(LowPriority.of(12, path).command(List.of("git", "clone")))
        .containsExactly(
            nice.toString(),
            "-n",
            "12",
            ionice.toString(),
            "-t",
            "-c",
            "2",
            "-n",
            "7",
            "git",
            "clone");
    assertThat(LowPriority.of(0, path).command(List.of("git", "clone")))
        .containsExactly("git", "clone");
  }

  @Test
  void aToolMissingFromThePathIsLeftOut() throws Exception {
    Path nice = tool(dir.resolve("bin"), "nice");
    Files.createDirectories(dir.resolve("sbin"));
    Files.createFile(dir.resolve("sbin/ionice")); // not executable

    assertThat(LowPriority.of(10, dir.resolve("bin") + ":" + dir.resolve("sbin")).prefix())
        .containsExactly(nice.toString(), "-n", "10");
    assertThat(LowPriority.of(10, dir.resolve("none").toString()).command(List.of("git")))
        .containsExactly("git");
  }

  @Test
  void aNicenessOutsideNicesRangeIsRefused() {
    assertThatThrownBy(() -> LowPriority.of(20, "/usr/bin"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LowPriority.of(-1, "/usr/bin"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
