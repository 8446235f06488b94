package io.a4c.daemon.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.MountType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The handoff directory on the daemon's side, with a real FIFO (no engine). */
class HandoffTest {
  @TempDir Path dataDir;

  private static final List<ContainerFile> FILES =
      List.of(
          ContainerFile.directory("/home/alice", 0700, 100_001, 100_001),
          ContainerFile.file("/etc/a4c/ssh/ssh_host_ed25519_key", "secret\n", 0600));

  private static List<String> entries(byte[] tar) throws IOException {
    List<String> names = new ArrayList<>();
    try (var in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        names.add(entry.getName() + " " + Integer.toOctalString(entry.getMode() & 07777));
      }
    }
    return names;
  }

  @Test
  void aCreateLeavesOneArchiveEndingWithItsMarkerInADirectoryOnlyTheDaemonReads() throws Exception {
    var handoff = new Handoff(dataDir);
    var mount = handoff.mount("ws-1", false).orElseThrow();
    Path dir = dataDir.resolve("handoff/ws-1");
    assertThat(mount.getType()).isEqualTo(MountType.BIND);
    assertThat(mount.getSource()).isEqualTo(dir.toString());
    assertThat(mount.getTarget()).isEqualTo(Handoff.TARGET);
    assertThat(mount.getReadOnly()).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(dir.resolve(Handoff.CLAIM)).as("only a pool member waits").doesNotExist();

    handoff.leave("ws-1", FILES);
    Path files = dir.resolve(Handoff.FILES);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files)))
        .isEqualTo("rw-------");
    assertThat(entries(Files.readAllBytes(files)))
        .containsExactly(
            "home/alice/ 700",
            "etc/a4c/ssh/ssh_host_ed25519_key 600",
            "etc/a4c/ 755",
            Handoff.DONE.substring(1) + " 644");
    try (var listing = Files.list(dir)) {
      assertThat(listing).as("no part file left").containsExactly(files);
    }

    handoff.taken("ws-1");
    assertThat(files).as("taken: the private host key leaves the host's disk").doesNotExist();
    assertThat(dir).as("the mount's source stays").isDirectory();
    handoff.taken("ws-1");
    handoff.taken("ws-gone");

    handoff.leave("ws-1", FILES);
    handoff.mount("ws-1", false);
    assertThat(dir.resolve(Handoff.FILES)).as("made anew for the next container").doesNotExist();
    handoff.remove("ws-1");
    handoff.remove("ws-1");
    assertThat(dir).doesNotExist();
    assertThat(handoff.made("ws-1")).isFalse();
  }

  @Test
  void aClaimStreamsTheArchiveToTheWaitingReaderAndGivesUpWhenNobodyReads() throws Exception {
    var handoff = new Handoff(dataDir);
    handoff.mount("ws-2", true).orElseThrow();
    Path fifo = dataDir.resolve("handoff/ws-2").resolve(Handoff.CLAIM);
    assertThat(Files.isRegularFile(fifo)).isFalse();
    assertThat(fifo).exists();

    // As the member's init: a reader blocked on the FIFO until the claim writes.
    var read = CompletableFuture.supplyAsync(() -> readAll(fifo));
    assertThat(handoff.deliver("ws-2", FILES)).isTrue();
    assertThat(entries(read.get()))
        .endsWith("etc/a4c/ 755", Handoff.DONE.substring(1) + " 644")
        .contains("etc/a4c/ssh/ssh_host_ed25519_key 600");

    // Nobody reads (the member's init is gone): the claim does not hang, and says so.
    long started = System.nanoTime();
    assertThat(handoff.deliver("ws-2", FILES)).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(Handoff.READER_WAIT.multipliedBy(3));
    assertThat(handoff.deliver("ws-3", FILES)).as("a member without a FIFO").isFalse();
  }

  private static byte[] readAll(Path fifo) {
    try {
      return Files.readAllBytes(fifo);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theSweepRemovesOnlyOldDirectoriesWhoseContainerIsGone() throws Exception {
    var handoff = new Handoff(dataDir);
    for (String id : List.of("ws-old", "ws-young", "ws-kept")) {
      handoff.mount(id, false).orElseThrow();
    }
    Instant now = Instant.now();
    FileTime old = FileTime.from(now.minus(Handoff.ORPHAN_AGE).minusSeconds(1));
    Files.setLastModifiedTime(dataDir.resolve("handoff/ws-old"), old);
    Files.setLastModifiedTime(dataDir.resolve("handoff/ws-kept"), old);

    handoff.sweep(Set.of("ws-kept"), now);

    assertThat(handoff.made("ws-old")).as("orphaned").isFalse();
    assertThat(handoff.made("ws-young")).as("a create under way").isTrue();
    assertThat(handoff.made("ws-kept")).as("its container is here").isTrue();
  }

  @Test
  void aContainerIsKnownByItsMountAndNoDirectoryIsMadeWhereTheDaemonMayNotWrite() throws Exception {
    // As the engine lists it.
    var with =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readValue(
                "{\"Mounts\": [{\"Destination\": \"" + Handoff.TARGET + "\"}]}", Container.class);
    assertThat(Handoff.mounted(with)).isTrue();
    assertThat(Handoff.mounted(new Container())).isFalse();

    Path file = Files.writeString(dataDir.resolve("not-a-directory"), "");
    assertThat(new Handoff(file).mount("ws-4", true)).isEmpty();
  }
}
