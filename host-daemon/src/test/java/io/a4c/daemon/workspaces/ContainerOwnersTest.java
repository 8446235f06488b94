package io.a4c.daemon.workspaces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.docker.DockerWorkspaceRuntime;
import io.a4c.daemon.docker.Handoff;
import io.a4c.daemon.docker.StepFailure;
import io.a4c.daemon.docker.WorkspaceNetwork;
import io.a4c.daemon.registry.RegistryAuth;
import io.a4c.events.FillPool;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Whose a warm pool member is, when the engine cannot give its owner file. The engine here is a
 * stand-in that answers every archive read with a 500, as Docker does for a container in the middle
 * of its removal: a fault no test can cause on a real engine at will (a removal ends in
 * milliseconds, a dead container needs a failing storage driver).
 */
class ContainerOwnersTest {
  private final AtomicInteger reads = new AtomicInteger();

  /** An engine whose every archive read fails with a 500; anything else is not expected. */
  private final DockerClient failingEngine =
      (DockerClient)
          Proxy.newProxyInstance(
              DockerClient.class.getClassLoader(),
              new Class<?>[] {DockerClient.class},
              (proxy, method, args) -> {
                if (method.getName().equals("copyArchiveFromContainerCmd")) {
                  reads.incrementAndGet();
                  throw new InternalServerErrorException(
                      "Status 500: {\"message\":\"container is marked for removal\"}");
                }
                throw new UnsupportedOperationException(method.getName());
              });

  private final ContainerOwners owners =
      new ContainerOwners(
          new DockerWorkspaceRuntime(
              failingEngine,
              RegistryAuth.NONE,
              new WorkspaceNetwork(failingEngine, Optional.empty(), "h1", "a4c-test", "a4c-test0"),
              new Handoff(java.nio.file.Path.of("/nonexistent"))));

  @Test
  void aMemberOnItsWayOutWhoseFileCannotBeReadServesNobodyInsteadOfFailing() {
    for (String state : new String[] {"removing", "dead"}) {
      Container member = member("c-" + state, state);

      assertThat(owners.of(member)).as(state).isNull();
      assertThat(owners.unclaimed(member)).as(state).isFalse();
      assertThat(ContainerOwners.leaving(member)).isTrue();
    }
  }

  @Test
  void aMemberThatIsNotLeavingStillFailsWhenItsFileCannotBeRead() {
    // Whose a running member is cannot be guessed: the label says UNCLAIMED for good, and a
    // claimed member taken for a free one would be handed to a second user.
    Container running = member("c-running", "running");

    assertThatThrownBy(() -> owners.of(running)).isInstanceOf(StepFailure.class);
    assertThatThrownBy(() -> owners.of(running)).isInstanceOf(StepFailure.class);
    assertThat(reads).as("a failed read is not remembered: the next look asks again").hasValue(2);
    assertThat(ContainerOwners.leaving(running)).isFalse();
  }

  @Test
  void aWorkspacesOwnContainerIsItsLabelsWithoutAskingTheEngine() {
    Container own =
        container(
            "c-own",
            "removing",
            Map.of(ContainerLabels.WORKSPACE_ID, "ws-1", ContainerLabels.USER_ID, "alice"));

    assertThat(owners.of(own)).isEqualTo("alice");
    assertThat(reads).hasValue(0);
  }

  @Test
  void whatIsKeptOfContainersTheEngineNoLongerListsIsForgotten() throws Exception {
    // A pool that churns one member a minute makes half a million containers in a year.
    var noFiles = new AtomicInteger();
    DockerClient engine =
        (DockerClient)
            Proxy.newProxyInstance(
                DockerClient.class.getClassLoader(),
                new Class<?>[] {DockerClient.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("copyArchiveFromContainerCmd")) {
                    noFiles.incrementAndGet();
                    throw new NotFoundException("Status 404: no such file");
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    var kept =
        new ContainerOwners(
            new DockerWorkspaceRuntime(
                engine,
                RegistryAuth.NONE,
                new WorkspaceNetwork(engine, Optional.empty(), "h1", "a4c-test", "a4c-test0"),
                new Handoff(java.nio.file.Path.of("/nonexistent"))));
    for (int i = 0; i < 100; i++) {
      kept.made("gone-" + i);
    }
    kept.claimed("claimed", "alice");
    Container listed = member("listed", "running");
    assertThat(kept.of(listed)).isEqualTo(FillPool.UNCLAIMED);
    assertThat(noFiles).hasValue(1);

    kept.forgetAllBut(java.util.Set.of("listed", "claimed"));

    assertThat(ownersKept(kept)).isEqualTo(2);
    assertThat(kept.of(listed)).as("still kept: not read again").isEqualTo(FillPool.UNCLAIMED);
    assertThat(kept.of(member("claimed", "running"))).isEqualTo("alice");
    assertThat(noFiles).hasValue(1);

    kept.forgetAllBut(java.util.Set.of());
    assertThat(ownersKept(kept)).isZero();
    assertThat(kept.of(listed)).as("read again when asked").isEqualTo(FillPool.UNCLAIMED);
    assertThat(noFiles).hasValue(2);
  }

  /** The owners kept, read from the field so that any way of keeping them counts. */
  private static int ownersKept(ContainerOwners owners) throws ReflectiveOperationException {
    var field = ContainerOwners.class.getDeclaredField("known");
    field.setAccessible(true);
    return ((Map<?, ?>) field.get(owners)).size();
  }

  private static Container member(String id, String state) {
    return container(
        id,
        state,
        Map.of(
            ContainerLabels.WORKSPACE_ID,
            "ws-pool-1",
            ContainerLabels.USER_ID,
            FillPool.UNCLAIMED,
            ContainerLabels.POOL,
            "p1"));
  }

  private static Container container(String id, String state, Map<String, String> labels) {
    return new ObjectMapper()
        .convertValue(Map.of("Id", id, "State", state, "Labels", labels), Container.class);
  }
}
