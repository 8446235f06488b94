package io.a4c.daemon.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.config.WorkspaceSubnet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker bridge network this host's workspaces join when the host has a routed workspace subnet
 * ({@link DaemonEnv#WORKSPACE_SUBNET}): {@value #NAME}, with exactly that subnet, made at daemon
 * start if missing (and remade if it has another subnet or options while no container uses it).
 * Without a subnet, workspaces stay on the engine's default bridge, unreachable from other
 * machines.
 *
 * <p>Options: no inter-container traffic ({@code enable_icc=false}): workspaces of different users
 * share the bridge and must not reach each other. Masquerading stays on, for the workspaces' own
 * outbound traffic; inbound needs none, the network routes the subnet to the host. The bridge
 * device is named {@value #BRIDGE}, so the host's firewall can name it (the local fleet's {@code
 * DOCKER-USER} rule does). Thread-safe.
 */
@Singleton
public final class WorkspaceNetwork {
  /** The network's name on the engine. */
  public static final String NAME = "a4c-workspaces";

  /** The Linux bridge device behind it (at most 15 characters). */
  public static final String BRIDGE = "a4c-ws";

  private static final Logger log = LoggerFactory.getLogger(WorkspaceNetwork.class);

  private final DockerClient docker;
  private final Optional<WorkspaceSubnet> subnet;
  private final String hostId;
  private final String name;
  private final Map<String, String> options;

  @Inject
  public WorkspaceNetwork(DockerClient docker, DaemonConfig config) {
    this(docker, config.workspaceSubnet(), config.hostId(), NAME, BRIDGE);
  }

  /**
   * A network of another name and bridge device: for tests on a shared engine, which must leave the
   * real one alone.
   */
  public WorkspaceNetwork(
      DockerClient docker,
      Optional<WorkspaceSubnet> subnet,
      String hostId,
      String name,
      String bridge) {
    this.docker = docker;
    this.subnet = subnet;
    this.hostId = hostId;
    this.name = name;
    this.options =
        Map.of(
            "com.docker.network.bridge.name",
            bridge,
            "com.docker.network.bridge.enable_icc",
            "false");
  }

  /** The network a workspace container joins, or empty for the engine's default bridge. */
  public Optional<String> name() {
    return subnet.map(s -> name);
  }

  /**
   * Makes sure the network exists with this host's subnet and options. Idempotent.
   *
   * @throws IllegalStateException saying what to do, when a network of that name with another
   *     subnet is in use, or the engine refuses the subnet (say, it overlaps another network)
   */
  public void ensure() {
    if (subnet.isEmpty()) {
      return;
    }
    String cidr = subnet.get().cidr();
    Optional<Network> existing = inspect();
    if (existing.isPresent()) {
      if (fits(existing.get(), cidr)) {
        return;
      }
      var users =
          docker.listContainersCmd().withShowAll(true).withNetworkFilter(List.of(name)).exec();
      if (!users.isEmpty()) {
        throw new IllegalStateException(
            "host "
                + hostId
                + ": Docker network "
                + name
                + " has subnet "
                + subnets(existing.get())
                + " or other options, not "
                + DaemonEnv.WORKSPACE_SUBNET
                + "="
                + cidr
                + ", and "
                + users.size()
                + " container(s) use it; delete them (or set "
                + DaemonEnv.WORKSPACE_SUBNET
                + " back) and start again");
      }
      log.atInfo()
          .addKeyValue("hostId", hostId)
          .addKeyValue("was", subnets(existing.get()))
          .addKeyValue("subnet", cidr)
          .log("recreating the workspace network with the configured subnet");
      try {
        docker.removeNetworkCmd(existing.get().getId()).exec();
      } catch (NotFoundException e) {
        // removed meanwhile: create it below
      }
    }
    try {
      docker
          .createNetworkCmd()
          .withName(name)
          .withDriver("bridge")
          .withCheckDuplicate(true)
          .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(cidr)))
          .withOptions(options)
          .withLabels(Map.of(ContainerLabels.MANAGED, "true"))
          .exec();
      log.atInfo()
          .addKeyValue("hostId", hostId)
          .addKeyValue("network", name)
          .addKeyValue("subnet", cidr)
          .log("created the workspace network");
    } catch (ConflictException e) {
      // Another daemon start on this engine made it meanwhile: fine if it is the same.
      if (inspect().filter(n -> fits(n, cidr)).isEmpty()) {
        throw refused(cidr, e);
      }
    } catch (DockerException e) {
      throw refused(cidr, e);
    }
  }

  private IllegalStateException refused(String cidr, DockerException e) {
    return new IllegalStateException(
        "host "
            + hostId
            + ": the Docker engine refused network "
            + name
            + " with "
            + DaemonEnv.WORKSPACE_SUBNET
            + "="
            + cidr
            + " (does it overlap another network on this host?): "
            + e.getMessage(),
        e);
  }

  private Optional<Network> inspect() {
    try {
      return Optional.of(docker.inspectNetworkCmd().withNetworkId(name).exec());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  private boolean fits(Network network, String cidr) {
    var actual = network.getOptions() == null ? Map.<String, String>of() : network.getOptions();
    return "bridge".equals(network.getDriver())
        && subnets(network).equals(List.of(cidr))
        && this.options.entrySet().stream()
            .allMatch(o -> o.getValue().equals(actual.get(o.getKey())));
  }

  private static List<String> subnets(Network network) {
    if (network.getIpam() == null || network.getIpam().getConfig() == null) {
      return List.of();
    }
    return network.getIpam().getConfig().stream().map(Network.Ipam.Config::getSubnet).toList();
  }
}
