package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.a4c.events.BuildClaim;
import io.a4c.events.BuildClaimAnswer;
import io.a4c.events.CallerProof;
import io.a4c.events.EventJson;
import io.a4c.events.HostEvent;
import io.a4c.events.HostEventSignatures;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.events.WorkspaceStep;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Hosts act only for themselves. Real SQS messages on the real host-events queue: one claiming to
 * be the workspace's host without its key, one signed by another host in the workspace's host's
 * name, and one from another host, honestly signed, about a workspace that is not on it. None
 * changes the workspace; each is audited. And build claims, invoked on the local claim function as
 * a builder invokes it: one in another host's name with the intruder's own signature, one with no
 * proof; neither takes the build, each is audited, and the build then runs as usual.
 */
@ExtendWith(SharedRuntime.class)
class HostImpersonationTest {

  @Test
  void anotherHostCannotReportForAWorkspaceAndEachAttemptIsAudited(
      LocalRuntime runtime, ApiClient api, Fleet fleet) throws Exception {
    var scenario = new Scenario(api);
    String project = scenario.createProject("impersonation");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("victim");
    var running = scenario.createRunning(user, project);
    String workspaceId = running.at("/workspaceId");
    String home = running.at("/hostId");
    String intruder =
        fleet.hostIds().stream().filter(h -> !h.equals(home)).findFirst().orElse(null);
    String path = "/v1/users/" + user + "/workspaces/" + workspaceId;
    // Every write of the record moves updatedAt: unchanged means not written.
    String updatedAt = running.at("/updatedAt");

    var json = EventJson.newMapper().writerFor(HostEvent.class);
    String claimsHome =
        json.writeValueAsString(
            WorkspaceStatus.of(
                home,
                workspaceId,
                user,
                WorkspaceState.FAILED,
                WorkspaceStep.HOSTNAME_REGISTERED,
                null,
                null,
                "forged",
                Instant.now()));
    List<Map.Entry<String, String>> forged = new ArrayList<>();
    forged.add(Map.entry(claimsHome, "")); // unsigned
    if (intruder != null) {
      forged.add(
          Map.entry(
              claimsHome, HostEventSignatures.sign(runtime.hostEventKey(intruder), claimsHome)));
      String honest =
          json.writeValueAsString(
              WorkspaceStatus.of(
                  intruder,
                  workspaceId,
                  user,
                  WorkspaceState.DELETED,
                  WorkspaceStep.REMOVED,
                  null,
                  null,
                  null,
                  Instant.now()));
      forged.add(
          Map.entry(honest, HostEventSignatures.sign(runtime.hostEventKey(intruder), honest)));
    }

    try (var sqs = runtime.newSqsClient()) {
      for (var message : forged) {
        sqs.sendMessage(
            b -> {
              b.queueUrl(runtime.hostEventsQueueUrl()).messageBody(message.getKey());
              if (!message.getValue().isEmpty()) {
                b.messageAttributes(
                    Map.of(
                        HostEventSignatures.ATTRIBUTE,
                        MessageAttributeValue.builder()
                            .dataType("String")
                            .stringValue(message.getValue())
                            .build()));
              }
            });
      }
    }

    String audit = "/v1/audit?userId=" + user + "&limit=50";
    var entries =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> api.get(audit, api.adminToken()).json().get("items"),
                items -> {
                  int rejected = 0;
                  for (var item : items) {
                    rejected += "host-event.rejected".equals(item.path("action").asText()) ? 1 : 0;
                  }
                  return rejected == forged.size();
                });
    var after = api.get(path, api.tokenOf(user));
    assertThat(after.at("/state")).isEqualTo("RUNNING");
    assertThat(after.at("/updatedAt")).isEqualTo(updatedAt);
    assertThat(fleet.containersOfWorkspace(home, workspaceId)).hasSize(1);
    List<String> reasons = new ArrayList<>();
    for (var item : entries) {
      if ("host-event.rejected".equals(item.path("action").asText())) {
        reasons.add(
            item.path("target").asText() + ": " + item.path("details").path("why").asText());
        assertThat(item.path("details").path("workspaceId").asText()).isEqualTo(workspaceId);
      }
    }
    assertThat(reasons)
        .anySatisfy(r -> assertThat(r).isEqualTo("host:" + home + ": the message is not signed"));
    if (intruder != null) {
      assertThat(reasons)
          .anySatisfy(
              r ->
                  assertThat(r)
                      .isEqualTo("host:" + home + ": the signature is not host " + home + "'s"));
      assertThat(reasons)
          .anySatisfy(
              r ->
                  assertThat(r)
                      .isEqualTo("host:" + intruder + ": the workspace is placed on host " + home));
    }

    api.delete(path, api.tokenOf(user));
    scenario.awaitGone(user, workspaceId);
  }

  @Test
  void anotherHostCannotClaimABuildInItsNameAndEachAttemptIsAudited(
      LocalRuntime runtime, ApiClient api, Fleet fleet) throws Exception {
    assertThat(fleet.hostIds())
        .as("two hosts: one to claim in the other's name")
        .hasSizeGreaterThan(1);
    String victim = fleet.hostIds().get(0);
    String intruder = fleet.hostIds().get(1);
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "claims\n").substring(0, 12);
    String project = scenario.createGitProject("claims", repo);
    String user = scenario.user("builder");
    for (var builder : runtime.builders()) {
      builder.pause();
    }
    String scheduleId;
    try {
      scheduleId = scenario.scheduleBuild(user, project, change).at("/scheduleId");
      var claim = BuildClaim.of(scheduleId, user, victim, victim + "/0", 1);
      var json = EventJson.newMapper();
      List<BuildClaimAnswer> answers = new ArrayList<>();
      try (var lambda =
          LambdaClient.builder()
              .endpointOverride(runtime.lambdaEndpoint())
              .region(Region.US_EAST_1)
              .credentialsProvider(
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
              .httpClient(UrlConnectionHttpClient.create())
              .build()) {
        for (var forged :
            List.of(
                claim.withProof(
                    CallerProof.signed(runtime.hostEventKey(intruder), claim.signedText())),
                claim)) {
          String payload = json.writeValueAsString(forged);
          var response =
              lambda.invoke(
                  b ->
                      b.functionName(LocalBuilds.CLAIM_FUNCTION)
                          .payload(SdkBytes.fromUtf8String(payload)));
          assertThat(response.functionError()).isNull();
          answers.add(json.readValue(response.payload().asUtf8String(), BuildClaimAnswer.class));
        }
      }

      assertThat(answers).allSatisfy(a -> assertThat(a.granted()).isFalse());
      assertThat(answers.get(0).reason())
          .contains("the claim's signature is not host " + victim + "'s");
      assertThat(answers.get(1).reason()).contains("no proof");
      assertThat(
              api.get("/v1/users/" + user + "/image-schedules/" + scheduleId, api.tokenOf(user))
                  .at("/status"))
          .isEqualTo("SCHEDULED");
      var items = api.get("/v1/audit?userId=" + user + "&limit=50", api.adminToken()).json();
      List<String> rejected = new ArrayList<>();
      for (var item : items.get("items")) {
        if ("build-claim.rejected".equals(item.path("action").asText())) {
          rejected.add(
              item.path("target").asText()
                  + " "
                  + item.path("details").path("scheduleId").asText());
        }
      }
      assertThat(rejected)
          .containsExactly(
              "host:" + victim + " " + scheduleId, "host:" + victim + " " + scheduleId);
    } finally {
      for (var builder : runtime.builders()) {
        builder.resume();
      }
    }
    // The builders' own claims, each signed with its host's key, still take it.
    scenario.awaitBuild(user, scheduleId, "COMPLETED");
  }
}
