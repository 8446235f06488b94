package io.a4c.daemon.workspaces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonConfigTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostnameEntriesTest {
  @TempDir Path dir;

  private HostnameEntries entries() {
    var env = DaemonConfigTest.minimal();
    env.put(io.a4c.daemon.config.DaemonEnv.DATA_DIR, dir.toString());
    return new HostnameEntries(DaemonConfig.fromEnvironment(env));
  }

  @Test
  void writesAHostsFileThatAResolverCanServeAndReplacesByWorkspace() throws Exception {
    var entries = entries();
    entries.put("ws-a", "172.17.0.2", "ws-a.ws.a4c.internal");
    entries.put("ws-b", "172.17.0.3", "ws-b.ws.a4c.internal");
    entries.put("ws-a", "172.17.0.9", "ws-a.ws.a4c.internal");

    assertThat(Files.readAllLines(dir.resolve("hosts")))
        .contains(
            "172.17.0.9 ws-a.ws.a4c.internal ws-a # ws-a",
            "172.17.0.3 ws-b.ws.a4c.internal ws-b # ws-b")
        .doesNotContain("172.17.0.2 ws-a.ws.a4c.internal ws-a # ws-a");
  }

  @Test
  void removingIsIdempotentAndSurvivesANewInstance() {
    entries().put("ws-a", "172.17.0.2", "ws-a.ws.a4c.internal");
    var again = entries();
    assertThat(again.get("ws-a"))
        .isEqualTo(new HostnameEntries.Entry("172.17.0.2", "ws-a.ws.a4c.internal"));

    again.remove("ws-a");
    again.remove("ws-a");

    assertThat(entries().all()).isEmpty();
  }

  @Test
  void aNewInstanceRemovesTheUnfinishedWritesOfAKilledDaemonAndKeepsTheFile() throws Exception {
    entries().put("ws-a", "172.17.0.2", "ws-a.ws.a4c.internal");
    // What a daemon killed between the temporary file's write and its rename leaves.
    Path leftover = Files.createTempFile(dir, "hosts", ".tmp");
    Files.writeString(leftover, "172.17.0.7 ws-z.ws.a4c.internal ws-z # ws-z\n");
    Path unrelated = Files.writeString(dir.resolve("hosts.bak"), "kept");

    var again = entries();

    assertThat(leftover).doesNotExist();
    assertThat(unrelated).exists();
    assertThat(again.all()).containsOnlyKeys("ws-a");
  }

  @Test
  void aWriteThatFailsLeavesNoTemporaryFileAndTheOldEntries() throws Exception {
    var entries = entries();
    entries.put("ws-a", "172.17.0.2", "ws-a.ws.a4c.internal");
    // The rename cannot replace a non-empty directory: the write fails after its temporary file.
    Files.delete(dir.resolve("hosts"));
    Files.createDirectory(dir.resolve("hosts"));
    Files.writeString(dir.resolve("hosts").resolve("x"), "x");

    assertThatThrownBy(() -> entries.put("ws-b", "172.17.0.3", "ws-b.ws.a4c.internal"))
        .isInstanceOf(java.io.UncheckedIOException.class);

    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("hosts");
    }
  }
}
