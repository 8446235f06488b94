package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** List tokens are opaque and sealed to their list: crafted, edited or borrowed ones are a 400. */
@ExtendWith(SharedRuntime.class)
class PaginationTokenTest {

  @Test
  void aTokenCraftedToStartInAnotherUsersDataIsA400(ApiClient api) {
    var scenario = new Scenario(api);
    String project = scenario.createProject("paging");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String alice = scenario.user("alice");
    String bob = scenario.user("bob");
    String first = scenario.requestWorkspace(alice, project, "amd64").at("/workspaceId");
    String second = scenario.requestWorkspace(alice, project, "amd64").at("/workspaceId");
    String bobs = scenario.requestWorkspace(bob, project, "amd64").at("/workspaceId");
    String alicesList = "/v1/users/" + alice + "/workspaces";
    String bobsList = "/v1/users/" + bob + "/workspaces";

    var page1 = api.get(alicesList + "?limit=1", api.tokenOf(alice));
    String token = page1.at("/nextToken");
    assertThat(token).isNotBlank().doesNotContain(first);
    var page2 = api.get(alicesList + "?limit=1&nextToken=" + token, api.tokenOf(alice));
    assertThat(page2.status()).isEqualTo(200);
    assertThat(page2.at("/items/0/workspaceId")).isEqualTo(second);

    // Alice's token on Bob's list (Bob holding it, or an admin using it): a 400, not Bob's data.
    var borrowed = api.get(bobsList + "?limit=1&nextToken=" + token, api.tokenOf(bob));
    var borrowedByAdmin = api.get(bobsList + "?limit=1&nextToken=" + token, api.adminToken());
    // Crafted: the same shape, Bob's workspace as the position, the MAC copied from Alice's.
    String crafted =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(bobs.getBytes(StandardCharsets.UTF_8))
            + token.substring(token.indexOf('.'));
    var craftedReply = api.get(bobsList + "?nextToken=" + crafted, api.tokenOf(bob));
    // The unsigned form earlier builds issued.
    String legacy =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(("v1:" + first).getBytes(StandardCharsets.UTF_8));
    var legacyReply = api.get(alicesList + "?nextToken=" + legacy, api.tokenOf(alice));

    for (var reply : new ApiClient.Reply[] {borrowed, borrowedByAdmin, craftedReply, legacyReply}) {
      assertThat(reply.status()).as(reply.body()).isEqualTo(400);
      assertThat(reply.at("/field")).isEqualTo("nextToken");
      assertThat(reply.body()).doesNotContain(bobs);
    }

    for (String[] owned : new String[][] {{alice, first}, {alice, second}, {bob, bobs}}) {
      api.delete("/v1/users/" + owned[0] + "/workspaces/" + owned[1], api.tokenOf(owned[0]));
    }
    scenario.awaitGone(alice, first);
    scenario.awaitGone(alice, second);
    scenario.awaitGone(bob, bobs);
  }
}
