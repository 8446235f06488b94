package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.heartbeat.HostSnapshot;
import io.a4c.daemon.heartbeat.WritableLayerUsage;
import io.a4c.daemon.images.EngineImages;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.SharedRuntime;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A heartbeat reports disk in use from the last measurement of the writable layers and never
 * measures them itself (Docker walks every layer for that, which is slow on a busy host, and a late
 * beat looks like a dead host). Real engine, a container that really writes 20 MB.
 */
@ExtendWith(SharedRuntime.class)
class HeartbeatDiskTest {
  private static final long WRITTEN = 20L * 1024 * 1024;

  @Test
  void aBeatReportsTheLastLayerMeasurementAndDoesNotWaitForANewOne(Fleet fleet) throws Exception {
    var docker = fleet.docker(fleet.hostIds().getFirst());
    var config =
        DaemonConfig.fromEnvironment(
            Map.of(
                DaemonEnv.HOST_ID, "disk-probe",
                DaemonEnv.HOST_EVENTS_QUEUE_URL, "http://127.0.0.1:9/unused",
                DaemonEnv.HOST_QUEUE_PREFIX, "a4c-host-"));
    var layers = new WritableLayerUsage(docker, config);
    var snapshot =
        new HostSnapshot(
            docker,
            new EngineImages(docker, Clock.systemUTC(), config),
            layers,
            config,
            Clock.systemUTC(),
            new io.a4c.daemon.commands.CommandsInHand());
    layers.measure();

    String id =
        docker
            .createContainerCmd("a4c-base:busybox")
            .withCmd("sh", "-c", "dd if=/dev/zero of=/blob bs=1M count=20")
            .exec()
            .getId();
    try {
      docker.startContainerCmd(id).exec();
      docker.waitContainerCmd(id).start().awaitStatusCode();

      // The engine's disk use as a whole moves with whatever else runs on the shared engine (an
      // image collected, another test's container removed), so the beat's figure is not compared
      // before and after: the layers' part of it is.
      long lastMeasured = layers.bytes();
      snapshot.take();
      assertThat(layers.bytes()).as("a beat does not measure the layers").isEqualTo(lastMeasured);

      var measured = layers.measure();
      assertThat(measured)
          .filteredOn(c -> c.getId().equals(id))
          .singleElement()
          .satisfies(
              c ->
                  assertThat(c.getSizeRw())
                      .as("the 20 MB appear once the layers are measured")
                      .isGreaterThanOrEqualTo(WRITTEN));
      assertThat(snapshot.take().diskUsedBytes())
          .as("a beat reports the last measurement")
          .isGreaterThanOrEqualTo(layers.bytes());
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
  }
}
