package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.a4c.daemon.images.ImageLabels;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Images go to hosts before users ask: when a build completes, hosts of its arch pull it until the
 * project's {@code prefetch.hosts} hold it (or its {@code prefetch.percent} of the arch's live
 * hosts: {@code BuildReportsTest}), and its record lists them as their heartbeats confirm it. Real
 * engines, the real registry.
 */
@ExtendWith(SharedRuntime.class)
class ImagePrefetchTest {

  @Test
  void aCompletedBuildIsOnKHostsBeforeAnyCreateAsks(ApiClient api, Fleet fleet) throws Exception {
    assumeTrue(fleet.hostIds().size() >= 3, "needs three Docker engines (./a4c test starts them)");
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "prefetched\n").substring(0, 12);
    String project = scenario.project("prefetch");
    // A share out of range is refused, naming the field, and changes nothing.
    var refused =
        api.put(
            "/v1/projects/" + project,
            api.adminToken(),
            Scenario.gitProjectJson(repo, "[], \"prefetch\": {\"percent\": 0}"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.at("/field")).isEqualTo("prefetch.percent");
    assertThat(api.get("/v1/projects/" + project, api.adminToken()).status()).isEqualTo(404);
    var put =
        api.put(
            "/v1/projects/" + project,
            api.adminToken(),
            Scenario.gitProjectJson(repo, "[], \"prefetch\": {\"hosts\": 3}"));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.at("/config/prefetch/hosts")).isEqualTo("3");
    String heidi = scenario.user("heidi");

    String id = scenario.scheduleBuild(heidi, project, change).at("/scheduleId");
    var done = scenario.awaitBuild(heidi, id, "COMPLETED");
    String imageRef = done.at("/imageRef");
    String builder = done.at("/hostId");

    // No workspace asked for it: the builder and two more hosts hold it, in the engines ...
    var three = fleet.hostIds().subList(0, 3);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> three.stream().allMatch(h -> fleet.holds(h, imageRef)));
    // ... and in the image's record, as their heartbeats confirm it.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              List<String> holders = new ArrayList<>();
              api.get("/v1/users/" + heidi + "/image-schedules/" + id, api.tokenOf(heidi))
                  .json()
                  .get("imageHosts")
                  .forEach(h -> holders.add(h.asText()));
              return holders.containsAll(three);
            });
    assertThat(three).contains(builder);
    // The admin's view of the project's images says the same.
    var images = api.get("/v1/projects/" + project + "/images", api.adminToken()).json();
    assertThat(images.get("items")).hasSize(1);
    var image = images.get("items").get(0);
    assertThat(image.get("imageRef").asText()).isEqualTo(imageRef);
    assertThat(image.get("newest").asBoolean()).isTrue();
    List<String> listed = new ArrayList<>();
    image.get("holders").forEach(h -> listed.add(h.asText()));
    assertThat(listed).containsAll(three);
    assertThat(
            api.get("/v1/users/" + heidi + "/workspaces", api.tokenOf(heidi)).json().get("items"))
        .isEmpty();
    // What the hosts' image collection reads off the image: its schedule, (project, parent,
    // arch), which a hashed tag no longer tells, and its position, which keeps the build of the
    // furthest change whenever it was made.
    var labels = fleet.docker(builder).inspectImageCmd(imageRef).exec().getConfig().getLabels();
    assertThat(labels)
        .containsEntry(ImageLabels.SCHEDULE_ID, id)
        .containsEntry(ImageLabels.PROJECT, project)
        .containsEntry(ImageLabels.PARENT, "main")
        .containsEntry(ImageLabels.ARCH, "amd64")
        .containsEntry(ImageLabels.POSITION, image.get("position").asText());
    assertThat(image.get("position").asLong()).isEqualTo(1);
  }

  @Test
  void aPrefetchCountOutOfRangeIsA400NamingTheFieldAndChangesNothing(ApiClient api) {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String project = scenario.project("badprefetch");
    for (String bad : List.of("-1", "1001", "\"two\"")) {
      var reply =
          api.put(
              "/v1/projects/" + project,
              api.adminToken(),
              Scenario.gitProjectJson(repo, "[], \"prefetch\": {\"hosts\": " + bad + "}"));
      assertThat(reply.status()).as(bad + ": " + reply.body()).isEqualTo(400);
      assertThat(reply.contentType()).isEqualTo("application/problem+json");
      assertThat(reply.body()).as(bad).contains("prefetch");
    }
    assertThat(api.get("/v1/projects/" + project, api.adminToken()).status()).isEqualTo(404);
  }
}
