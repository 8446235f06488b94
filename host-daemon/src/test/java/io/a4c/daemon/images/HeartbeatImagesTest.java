package io.a4c.daemon.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.commands.CommandsInHand;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.heartbeat.HostSnapshot;
import io.a4c.daemon.heartbeat.WritableLayerUsage;
import io.a4c.daemon.registry.ImageRepository;
import io.a4c.daemon.testing.FakeDocker;
import io.a4c.events.Arch;
import io.a4c.events.EventJson;
import io.a4c.events.Heartbeat;
import io.a4c.events.HostEvent;
import io.a4c.events.ImageTags;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A heartbeat carries a bounded choice of the host's images, whatever it holds: what placement asks
 * about first, and a JSON body far below SQS's 256 KiB message and DynamoDB's 400 KB item. It also
 * lists the workspaces whose commands are in hand.
 */
class HeartbeatImagesTest {
  private static final String REPOSITORY = "10.250.0.1:5000/a4c-images";
  private static final int SQS_MAX_BYTES = 256 * 1024;
  private static final int DYNAMODB_ITEM_MAX_BYTES = 400 * 1000;

  @Test
  void aHostHoldingThousandsOfTagsSendsABoundedHeartbeatWithWhatPlacementAsksAbout()
      throws Exception {
    List<com.github.dockerjava.api.model.Image> images = new ArrayList<>();
    // 4,000 builds of 40 projects, made one second apart: the newest is the last.
    for (int i = 0; i < 4_000; i++) {
      String tag = ImageTags.of("project-" + (i % 40), "main", Arch.AMD64, "change-" + i);
      images.add(FakeDocker.image("sha256:build" + i, List.of(REPOSITORY + ":" + tag), i, 1));
    }
    String oldBuildInUse =
        REPOSITORY + ":" + ImageTags.of("project-1", "main", Arch.AMD64, "change-1");
    images.add(FakeDocker.image("sha256:base", List.of("a4c-base:busybox"), 0, 1));
    images.add(FakeDocker.image("sha256:other", List.of("ghcr.io/else/where:1"), 9_999, 1));
    Collections.shuffle(images, new java.util.Random(7));
    var inUse =
        FakeDocker.container(
            "sha256:build1",
            oldBuildInUse,
            Map.of(ContainerLabels.MANAGED, "true", ContainerLabels.IMAGE_REF, oldBuildInUse));
    var docker = new FakeDocker("x86_64", images, List.of(inUse));
    var config = config();
    var inHand = new CommandsInHand();
    inHand.taken("ws-01jd0000000000000000000001");

    Heartbeat beat =
        new HostSnapshot(
                docker.client(),
                new EngineImages(docker.client(), Clock.systemUTC(), config),
                new WritableLayerUsage(docker.client(), config),
                config,
                Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC),
                inHand)
            .take();
    byte[] body =
        EventJson.newMapper()
            .writerFor(HostEvent.class)
            .writeValueAsString(beat)
            .getBytes(StandardCharsets.UTF_8);

    assertThat(beat.images()).hasSize(HeartbeatImages.MAX);
    assertThat(beat.workingOn())
        .as("the command in hand")
        .containsExactly("ws-01jd0000000000000000000001");
    assertThat(body.length).isLessThan(SQS_MAX_BYTES / 2);
    assertThat(beat.images())
        .as("the image a workspace runs, the base no registry serves, the newest builds")
        .contains(
            oldBuildInUse,
            "a4c-base:busybox",
            REPOSITORY + ":" + ImageTags.of("project-39", "main", Arch.AMD64, "change-3999"))
        .doesNotContain(
            REPOSITORY + ":" + ImageTags.of("project-2", "main", Arch.AMD64, "change-2"),
            "ghcr.io/else/where:1")
        .isSorted();
  }

  /** With as many workspaces in hand as a beat lists. */
  @Test
  void theLongestReferencesStillMakeAHeartbeatUnderTheQueueAndItemLimits() throws Exception {
    List<String> refs = new ArrayList<>();
    for (int i = 0; i < HeartbeatImages.MAX; i++) {
      String prefix = "registry.example.com:5000/a/";
      String name = String.format("%05d", i) + "x".repeat(255 - prefix.length() - 5 - 2) + ":1";
      refs.add(prefix + name);
    }
    assertThat(refs).allSatisfy(r -> assertThat(r).hasSize(255));
    List<String> inHand = new ArrayList<>();
    for (int i = 0; i < Heartbeat.MAX_WORKING_ON; i++) {
      inHand.add("ws-" + String.format("%026d", i));
    }
    var beat =
        Heartbeat.of("h1", Arch.AMD64, 1, 2, refs, 20, 0, Instant.parse("2025-01-01T00:00:00Z"))
            .withWorkingOn(inHand);

    int bytes =
        EventJson.newMapper()
            .writerFor(HostEvent.class)
            .writeValueAsString(beat)
            .getBytes(StandardCharsets.UTF_8)
            .length;

    assertThat(bytes).isLessThan(SQS_MAX_BYTES).isLessThan(DYNAMODB_ITEM_MAX_BYTES);
  }

  @Test
  void referencesAreChosenInUseFirstThenUnpullableThenTheRepositorysThenOthersNewestFirst() {
    var repository = ImageRepository.parse(REPOSITORY);
    String used = REPOSITORY + ":p_main_amd64_old";
    var images =
        List.of(
            new HeldImage("sha256:1", List.of(used), 1, Map.of()),
            new HeldImage("sha256:2", List.of(REPOSITORY + ":p_main_amd64_new"), 50, Map.of()),
            new HeldImage("sha256:3", List.of(REPOSITORY + ":p_main_amd64_mid"), 40, Map.of()),
            new HeldImage("sha256:4", List.of("ubuntu:24.04", "a4c-base:busybox"), 2, Map.of()),
            new HeldImage("sha256:5", List.of("ghcr.io/else/where:1"), 99, Map.of()));
    var a4c = new ContainerImage("sha256:1", java.util.Set.of(used), true);
    var notA4c = new ContainerImage("sha256:5", java.util.Set.of("ghcr.io/else/where:1"), false);

    assertThat(HeartbeatImages.select(images, List.of(a4c, notA4c), Optional.of(repository), 4))
        .containsExactlyInAnyOrder(
            used, "a4c-base:busybox", "ubuntu:24.04", REPOSITORY + ":p_main_amd64_new");
    assertThat(HeartbeatImages.select(images, List.of(a4c), Optional.of(repository), 100))
        .as("under the bound, every tag")
        .hasSize(6);
  }

  private static DaemonConfig config() {
    return DaemonConfig.fromEnvironment(
        Map.of(
            DaemonEnv.HOST_ID, "h1",
            DaemonEnv.HOST_EVENTS_QUEUE_URL, "http://127.0.0.1:9/unused",
            DaemonEnv.HOST_QUEUE_PREFIX, "a4c-host-",
            DaemonEnv.IMAGE_REPOSITORY, REPOSITORY));
  }
}
