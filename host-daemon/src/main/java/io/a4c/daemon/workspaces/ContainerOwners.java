package io.a4c.daemon.workspaces;

import com.github.dockerjava.api.model.Container;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.docker.DockerWorkspaceRuntime;
import io.a4c.daemon.docker.StepFailure;
import io.a4c.events.FillPool;
import io.a4c.events.Names;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Whose an A4C container is. A workspace's own container says so in its user label; a warm pool
 * member's label says {@link FillPool#UNCLAIMED} for good (labels are fixed when a container is
 * made), and the create that claims it writes the owner into {@link ContainerLabels#OWNER_FILE}
 * before it reports anything. What a member's file says is read once per daemon and kept by
 * container id: only this daemon's claims change it, and they note the owner here. What is kept of
 * containers the engine no longer lists goes at each inventory ({@link #forgetAllBut}): a pool that
 * churns makes a new member container every few minutes for as long as the daemon runs.
 * Thread-safe.
 */
@Singleton
public final class ContainerOwners {
  private final DockerWorkspaceRuntime docker;
  private final Map<String, String> known = new ConcurrentHashMap<>();

  @Inject
  public ContainerOwners(DockerWorkspaceRuntime docker) {
    this.docker = docker;
  }

  /**
   * The user id the container serves: its label's, a claimed pool member's owner, or {@link
   * FillPool#UNCLAIMED} for a member nobody claimed yet; null when unlabelled, and null for a
   * member the engine is removing (or left dead) whose file it can no longer give: it serves nobody
   * any more, and one such container must not stop a host's inventory or idle pass.
   *
   * @throws StepFailure when the engine cannot give the file of a member that is not leaving
   */
  public String of(Container container) {
    var labels = container.getLabels();
    String label = labels == null ? null : labels.get(ContainerLabels.USER_ID);
    if (labels == null || labels.get(ContainerLabels.POOL) == null) {
      return label;
    }
    try {
      return known.computeIfAbsent(
          container.getId(),
          id ->
              docker
                  .readFile(id, ContainerLabels.OWNER_FILE)
                  .map(String::strip)
                  .filter(name -> Names.USER_ID.matcher(name).matches())
                  .orElse(FillPool.UNCLAIMED));
    } catch (StepFailure e) {
      if (leaving(container)) {
        return null;
      }
      throw e;
    }
  }

  /** Whether the engine is removing the container or left it dead (a removal that failed). */
  public static boolean leaving(Container container) {
    return "removing".equals(container.getState()) || "dead".equals(container.getState());
  }

  /** Notes a warm pool member just made: nobody's until a create claims it. */
  void made(String containerId) {
    known.put(containerId, FillPool.UNCLAIMED);
  }

  /** Notes the owner the claiming create just wrote into the container. */
  void claimed(String containerId, String userId) {
    known.put(containerId, userId);
  }

  /**
   * Forgets the owners kept of containers not in {@code containerIds}, the engine's list of A4C
   * containers. One made or claimed after that list was taken may be forgotten too: its owner file
   * is in place by then (a claim writes it before it notes the owner here, a new member has none),
   * so the next {@link #of} reads it again and gets the same answer.
   */
  public void forgetAllBut(Set<String> containerIds) {
    known.keySet().retainAll(containerIds);
  }

  /** Whether the container is a warm pool member no create has claimed yet. */
  public boolean unclaimed(Container container) {
    return FillPool.UNCLAIMED.equals(of(container))
        && container.getLabels().get(ContainerLabels.POOL) != null;
  }
}
