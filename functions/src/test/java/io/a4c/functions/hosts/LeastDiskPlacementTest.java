package io.a4c.functions.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.Arch;
import io.a4c.functions.hosts.NoHostAvailableException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeastDiskPlacementTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private static final String IMAGE = "registry/kernel:main-1";
  private final LeastDiskPlacement placement = new LeastDiskPlacement(Duration.ofSeconds(30));

  private static Host host(
      String id,
      Arch arch,
      HostStatus status,
      long diskUsed,
      List<String> images,
      int assigned,
      Instant beat) {
    return new Host(id, arch, status, diskUsed, 1_000_000, images, 10, assigned, assigned, beat);
  }

  @Test
  void placesOnHostWithLeastDiskAmongThoseHoldingTheImage() {
    var hosts =
        List.of(
            host("empty-but-no-image", Arch.AMD64, HostStatus.ACTIVE, 10, List.of(), 0, NOW),
            host("full", Arch.AMD64, HostStatus.ACTIVE, 500_000, List.of(IMAGE), 0, NOW),
            host("light", Arch.AMD64, HostStatus.ACTIVE, 100_000, List.of(IMAGE), 0, NOW));

    assertThat(placement.candidates(hosts, Arch.AMD64, IMAGE, NOW))
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
                960_000,
                1_000_000,
                List.of(IMAGE),
                10,
                0,
                0,
                NOW),
            host("arm", Arch.ARM64, HostStatus.ACTIVE, 1, List.of(IMAGE), 0, NOW),
            host("ok", Arch.AMD64, HostStatus.ACTIVE, 900_000, List.of(IMAGE), 0, NOW));

    assertThat(placement.candidates(hosts, Arch.AMD64, IMAGE, NOW))
        .extracting(Host::hostId)
        .containsExactly("ok");
  }

  @Test
  void saysWhyWhenNoHostFits() {
    var amd = List.of(host("a", Arch.AMD64, HostStatus.ACTIVE, 1, List.of(IMAGE), 10, NOW));

    assertThatThrownBy(() -> placement.candidates(amd, Arch.ARM64, IMAGE, NOW))
        .isInstanceOfSatisfying(
            NoHostAvailableException.class,
            e -> assertThat(e.why()).isEqualTo(Reason.NO_HOST_FOR_ARCH));
    assertThatThrownBy(() -> placement.candidates(amd, Arch.AMD64, "other:1", NOW))
        .isInstanceOfSatisfying(
            NoHostAvailableException.class,
            e -> assertThat(e.why()).isEqualTo(Reason.IMAGE_NOT_ON_ANY_HOST));
    assertThatThrownBy(() -> placement.candidates(amd, Arch.AMD64, IMAGE, NOW))
        .isInstanceOfSatisfying(
            NoHostAvailableException.class, e -> assertThat(e.why()).isEqualTo(Reason.NO_CAPACITY));
    assertThatThrownBy(() -> placement.candidates(amd, Arch.AMD64, IMAGE, NOW.plusSeconds(60)))
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
            host("holds-heavy", Arch.AMD64, HostStatus.ACTIVE, 900_000, List.of(built), 0, NOW),
            host("holds-full", Arch.AMD64, HostStatus.ACTIVE, 1, List.of(built), 10, NOW));

    assertThat(placement.candidates(hosts, Arch.AMD64, built, NOW))
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
  void breaksDiskTiesByFewerWorkspacesThenHostId() {
    var hosts =
        List.of(
            host("b", Arch.AMD64, HostStatus.ACTIVE, 5, List.of(IMAGE), 1, NOW),
            host("c", Arch.AMD64, HostStatus.ACTIVE, 5, List.of(IMAGE), 0, NOW),
            host("a", Arch.AMD64, HostStatus.ACTIVE, 5, List.of(IMAGE), 1, NOW));

    assertThat(placement.candidates(hosts, Arch.AMD64, IMAGE, NOW))
        .extracting(Host::hostId)
        .containsExactly("c", "a", "b");
  }
}
