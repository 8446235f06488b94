package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.config.WorkspaceSubnet;
import io.a4c.daemon.docker.WorkspaceNetwork;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.SharedRuntime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The workspace network a daemon keeps on its engine, on a real engine: made with its subnet and
 * options, left alone when it fits, remade with a new subnet once no container uses it, and a clear
 * refusal while one does or when the engine refuses the subnet. A network of its own name (the real
 * {@code a4c-workspaces} serves the runtime's workspaces meanwhile), in 10.251.250.0/23, outside
 * every host's 10.251.K.0/24 (K up to 200).
 */
@ExtendWith(SharedRuntime.class)
class WorkspaceNetworkTest {
  private static final String FIRST = "10.251.250.0/24";
  private static final String SECOND = "10.251.251.0/24";

  @Test
  void theNetworkIsMadeKeptAndRemadeWithTheSubnetOnlyWhileNoContainerUsesIt(Fleet fleet) {
    String hostId = fleet.hostIds().getLast();
    DockerClient docker = fleet.docker(hostId);
    String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1000, 10000));
    String name = "a4c-test-net-" + suffix;
    String bridge = "a4ct" + suffix;
    String container = null;
    try {
      var first = network(docker, hostId, name, bridge, FIRST);
      assertThat(first.name()).contains(name);
      first.ensure();
      Network made = docker.inspectNetworkCmd().withNetworkId(name).exec();
      assertThat(made.getDriver()).isEqualTo("bridge");
      assertThat(made.getIpam().getConfig().getFirst().getSubnet()).isEqualTo(FIRST);
      assertThat(made.getOptions())
          .containsEntry("com.docker.network.bridge.enable_icc", "false")
          .containsEntry("com.docker.network.bridge.name", bridge);
      first.ensure();
      assertThat(docker.inspectNetworkCmd().withNetworkId(name).exec().getId())
          .as("left alone when it fits")
          .isEqualTo(made.getId());

      container =
          docker
              .createContainerCmd("a4c-base:busybox")
              .withCmd("sleep", "600")
              .withHostConfig(HostConfig.newHostConfig().withNetworkMode(name))
              .exec()
              .getId();
      var second = network(docker, hostId, name, bridge, SECOND);
      assertThatThrownBy(second::ensure)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(DaemonEnv.WORKSPACE_SUBNET + "=" + SECOND)
          .hasMessageContaining(FIRST)
          .hasMessageContaining("1 container(s) use it");
      assertThat(
              docker
                  .inspectNetworkCmd()
                  .withNetworkId(name)
                  .exec()
                  .getIpam()
                  .getConfig()
                  .getFirst()
                  .getSubnet())
          .isEqualTo(FIRST);

      docker.removeContainerCmd(container).withForce(true).exec();
      container = null;
      second.ensure();
      assertThat(
              docker
                  .inspectNetworkCmd()
                  .withNetworkId(name)
                  .exec()
                  .getIpam()
                  .getConfig()
                  .getFirst()
                  .getSubnet())
          .isEqualTo(SECOND);

      // Another network over the same addresses: the engine refuses, and the message says why.
      var overlapping = network(docker, hostId, name + "-b", bridge + "b", SECOND);
      assertThatThrownBy(overlapping::ensure)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("overlap");

      assertThat(network(docker, hostId, name + "-c", bridge + "c", null).name())
          .as("no subnet: the default bridge")
          .isEmpty();
    } finally {
      if (container != null) {
        docker.removeContainerCmd(container).withForce(true).exec();
      }
      for (String each : List.of(name, name + "-b")) {
        try {
          docker.removeNetworkCmd(each).exec();
        } catch (NotFoundException e) {
          // not made
        }
      }
    }
  }

  private static WorkspaceNetwork network(
      DockerClient docker, String hostId, String name, String bridge, String cidr) {
    return new WorkspaceNetwork(
        docker, Optional.ofNullable(cidr).map(WorkspaceSubnet::new), hostId, name, bridge);
  }
}
