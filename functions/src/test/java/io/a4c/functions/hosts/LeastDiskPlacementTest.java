package io.a4c.functions.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.Arch;
import io.a4c.functions.hosts.NoHostAvailableException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeastDiskPlacementTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private static final String IMAGE = "registry/kernel:main-1";
  private static final long GIB = 1L << 30;
  private static final long TOTAL = 1_000 * GIB;
  private final LeastDiskPlacement placement =
      new LeastDiskPlacement(Duration.ofSeconds(30), new SplittableRandom(7));

  /**
   * Placement with the holders the test's hosts list (their {@code images} stand for the index).
   */
  private List<Host> candidates(List<Host> hosts, Arch arch, String imageRef, Instant now) {
    var holders =
        hosts.stream()
            .filter(h -> h.images().contains(imageRef))
            .map(Host::hostId)
            .collect(java.util.stream.Collectors.toSet());
    return placement.candidates(hosts, holders, arch, imageRef, now);
  }

  private static Host host(
      String id,
      Arch arch,
      HostStatus status,
      long diskUsed,
      List<String> images,
      int assigned,
      Instant beat) {
    return placed(id, arch, status, diskUsed, images, assigned, 0, beat);
  }

  private static Host placed(
      String id,
      Arch arch,
      HostStatus status,
      long diskUsed,
      List<String> images,
      int assigned,
      int placedSinceBeat,
      Instant beat) {
    return new Host(
        id,
        arch,
        status,
        diskUsed,
        TOTAL,
        images,
        10,
        assigned,
        assigned,
        placedSinceBeat,
        beat,
        List.of());
  }

  private static Host equal(String id, int assigned, int placedSinceBeat) {
    return placed(
        id,
        Arch.AMD64,
        HostStatus.ACTIVE,
        100 * GIB,
        List.of(IMAGE),
        assigned,
        placedSinceBeat,
        NOW);
  }

  @Test
  void placesOnHostWithLeastDiskAmongThoseHoldingTheImage() {
    var hosts =
        List.of(
            host("empty-but-no-image", Arch.AMD64, HostStatus.ACTIVE, 10, List.of(), 0, NOW),
            host("full", Arch.AMD64, HostStatus.ACTIVE, 500 * GIB, List.of(IMAGE), 0, NOW),
            host("light", Arch.AMD64, HostStatus.ACTIVE, 100 * GIB, List.of(IMAGE), 0, NOW));

    assertThat(candidates(hosts, Arch.AMD64, IMAGE, NOW))
        .extracting(Host::hostId)
        .containsExactly("light", "full");
  }

  @Test
  void skipsHostsThatAreDrainingDownStaleFullOrOfAnotherArch() {
    var hosts =
        List.of(
            host("draining", Arch.AMD64, HostStatus.DRAINING, 1, List.of(IMAGE), 0, NOW),
            host("down", Arch.AMD64, HostStatus.DOWN, 1, List.of(IMAGE), 0, NOW),
            host(
                "stale", Arch.AMD64, HostStatus.ACTIVE, 1, List.of(IMAGE), 0, NOW.minusSeconds(31)),
            host("at-capacity", Arch.AMD64, HostStatus.ACTIVE, 1, List.of(IMAGE), 10, NOW),
            new Host(
                "disk-full",
                Arch.AMD64,
                HostStatus.ACTIVE,
                960 * GIB,
                TOTAL,
                List.of(IMAGE),
                10,
                0,
                0,
                0,
                NOW,
                List.of()),
            host("arm", Arch.ARM64, HostStatus.ACTIVE, 1, List.of(IMAGE), 0, NOW),
            host("ok", Arch.AMD64, HostStatus.ACTIVE, 900 * GIB, List.of(IMAGE), 0, NOW));

    assertThat(candidates(hosts, Arch.AMD64, IMAGE, NOW))
        .extracting(Host::hostId)
        .containsExactly("ok");
  }

  @Test
  void saysWhyWhenNoHostFits() {
    var amd = List.of(host("a", Arch.AMD64, HostStatus.ACTIVE, 1, List.of(IMAGE), 10, NOW));

    assertThatThrownBy(() -> candidates(amd, Arch.ARM64, IMAGE, NOW))
        .isInstanceOfSatisfying(
            NoHostAvailableException.class,
            e -> assertThat(e.why()).isEqualTo(Reason.NO_HOST_FOR_ARCH));
    assertThatThrownBy(() -> candidates(amd, Arch.AMD64, "other:1", NOW))
        .isInstanceOfSatisfying(
            NoHostAvailableException.class,
            e -> assertThat(e.why()).isEqualTo(Reason.IMAGE_NOT_ON_ANY_HOST));
    assertThatThrownBy(() -> candidates(amd, Arch.AMD64, IMAGE, NOW))
        .isInstanceOfSatisfying(
            NoHostAvailableException.class, e -> assertThat(e.why()).isEqualTo(Reason.NO_CAPACITY));
    assertThatThrownBy(() -> candidates(amd, Arch.AMD64, IMAGE, NOW.plusSeconds(60)))
        .isInstanceOfSatisfying(
            NoHostAvailableException.class,
            e -> assertThat(e.why()).isEqualTo(Reason.NO_LIVE_HOST));
  }

  @Test
  void aRegistryImageGoesToItsHoldersFirstThenToHostsThatCanPullIt() {
    String built = "10.250.0.1:5000/a4c-images:kernel_main_amd64_7";
    var hosts =
        List.of(
            host("lacks-light", Arch.AMD64, HostStatus.ACTIVE, 1, List.of(), 0, NOW),
            host("holds-heavy", Arch.AMD64, HostStatus.ACTIVE, 900 * GIB, List.of(built), 0, NOW),
            host("holds-full", Arch.AMD64, HostStatus.ACTIVE, 1, List.of(built), 10, NOW));

    assertThat(candidates(hosts, Arch.AMD64, built, NOW))
        .extracting(Host::hostId)
        .containsExactly("holds-heavy", "lacks-light");
    assertThat(
            LeastDiskPlacement.inRegistry(
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/a4c-prod-images:kernel_main_amd64_7"))
        .isTrue();
    assertThat(LeastDiskPlacement.inRegistry("a4c-base:busybox")).isFalse();
    assertThat(LeastDiskPlacement.inRegistry("registry/kernel:main-1")).isFalse();
  }

  @Test
  void hostsWithinTheTieTakeTurnsAtTheLeadAndTheOthersNeverLead() {
    var hosts =
        List.of(
            equal("a", 0, 0),
            host(
                "b",
                Arch.AMD64,
                HostStatus.ACTIVE,
                100 * GIB + GIB * 3 / 4,
                List.of(IMAGE),
                0,
                NOW),
            host("c", Arch.AMD64, HostStatus.ACTIVE, 100 * GIB + GIB / 2, List.of(IMAGE), 0, NOW),
            host("beyond-tie", Arch.AMD64, HostStatus.ACTIVE, 101 * GIB, List.of(IMAGE), 0, NOW));

    Map<String, Integer> leads = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      var order = candidates(hosts, Arch.AMD64, IMAGE, NOW);
      assertThat(order.get(3).hostId()).isEqualTo("beyond-tie");
      leads.merge(order.get(0).hostId(), 1, Integer::sum);
    }

    assertThat(leads).containsOnly(Map.entry("a", 100), Map.entry("b", 100), Map.entry("c", 100));
  }

  @Test
  void atMostThreeTiedHostsShareTheLead() {
    var hosts =
        List.of(
            equal("a", 0, 0),
            equal("b", 0, 0),
            equal("c", 0, 0),
            equal("d", 1, 0),
            equal("e", 2, 0));

    Set<String> leaders = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      var order = candidates(hosts, Arch.AMD64, IMAGE, NOW);
      leaders.add(order.get(0).hostId());
      // Beyond the shuffled head, fewer workspaces first, as before.
      assertThat(order.subList(3, 5)).extracting(Host::hostId).containsExactly("d", "e");
    }
    assertThat(leaders).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void workspacesPlacedSinceTheHeartbeatCountAsDiskSoABurstMovesOn() {
    // Equal disk as of the last beats; "a" holds fewer workspaces, but took three since its beat.
    var hosts = List.of(equal("a", 3, 3), equal("b", 5, 0), equal("c", 5, 0));

    for (int i = 0; i < 50; i++) {
      assertThat(candidates(hosts, Arch.AMD64, IMAGE, NOW)).extracting(Host::hostId).endsWith("a");
    }
    assertThat(LeastDiskPlacement.diskInUse(equal("a", 3, 3)))
        .isEqualTo(100 * GIB + 3 * LeastDiskPlacement.PLACED_WORKSPACE_BYTES);
  }

  @Test
  void aBurstBetweenTwoHeartbeatsSpreadsOverHostsOfNearlyEqualDisk() {
    // Each create reserves on its first candidate, as WorkspaceCreation does; no heartbeat between.
    Map<String, Host> hosts = new HashMap<>();
    hosts.put("a", roomy("a", 100 * GIB, 0));
    hosts.put("b", roomy("b", 100 * GIB + GIB / 4, 0));
    hosts.put("c", roomy("c", 100 * GIB + GIB / 2, 0));
    for (int i = 0; i < 30; i++) {
      var chosen = candidates(List.copyOf(hosts.values()), Arch.AMD64, IMAGE, NOW).get(0);
      hosts.put(
          chosen.hostId(),
          roomy(chosen.hostId(), chosen.diskUsedBytes(), chosen.placedSinceHeartbeat() + 1));
    }

    assertThat(hosts.values())
        .extracting(Host::assignedWorkspaces)
        .allSatisfy(n -> assertThat(n).isBetween(8, 12));
  }

  /** A host with room for 50 that took {@code placed} workspaces since its beat. */
  private static Host roomy(String id, long diskUsed, int placed) {
    return new Host(
        id,
        Arch.AMD64,
        HostStatus.ACTIVE,
        diskUsed,
        TOTAL,
        List.of(IMAGE),
        50,
        0,
        placed,
        placed,
        NOW,
        List.of());
  }
}
