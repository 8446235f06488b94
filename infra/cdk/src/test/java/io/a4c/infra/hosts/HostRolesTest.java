package io.a4c.infra.hosts;

import static io.a4c.infra.TemplateJson.asList;
import static io.a4c.infra.TemplateJson.logicalId;
import static io.a4c.infra.TemplateJson.properties;
import static io.a4c.infra.TemplateJson.resources;
import static io.a4c.infra.TemplateJson.statementsOfRole;
import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.infra.A4cStack;
import io.a4c.infra.TestStacks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.sqs.IQueue;

class HostRolesTest {
  private final A4cStack stack = TestStacks.stack(TestStacks.PROD);
  private final Template template = TestStacks.template(TestStacks.PROD);

  @Test
  void eachListedHostGetsARoleOfItsOwn() {
    assertThat(stack.hostRoles().roles()).containsOnlyKeys(TestStacks.HOSTS);
    assertThat(stack.hostRoles().roles().values()).doesNotHaveDuplicates();
  }

  @Test
  void noHostRoleActionHasAWildcard() {
    for (Role role : stack.hostRoles().roles().values()) {
      List<Object> actions =
          statements(role).stream().flatMap(s -> asList(s.get("Action")).stream()).toList();
      assertThat(actions)
          .isNotEmpty()
          .allSatisfy(a -> assertThat(a.toString()).doesNotContain("*"));
    }
  }

  @Test
  void theOnlyUnscopedResourceIsTheRegistryLoginWhichIamScopesToNoResource() {
    for (Role role : stack.hostRoles().roles().values()) {
      for (var statement : statements(role)) {
        if (asList(statement.get("Resource")).contains("*")) {
          assertThat(asList(statement.get("Action"))).containsExactly("ecr:GetAuthorizationToken");
        }
      }
    }
  }

  @Test
  void everyHostMayGetTheRegistryLoginItsPushesAndPullsSend() {
    // The daemon's ECR login (EcrRegistryAuth) calls GetAuthorizationToken, which IAM scopes to
    // "*".
    for (Role role : stack.hostRoles().roles().values()) {
      assertThat(statements(role))
          .anySatisfy(
              s -> {
                assertThat(asList(s.get("Action"))).contains("ecr:GetAuthorizationToken");
                assertThat(asList(s.get("Resource"))).containsExactly("*");
                assertThat(s.get("Effect")).isEqualTo("Allow");
              });
    }
  }

  @Test
  void aHostMayCreateAndConsumeOnlyItsOwnCommandQueue() {
    Role h1 = stack.hostRoles().roles().get("h1");
    List<Object> queueResources =
        statements(h1).stream()
            .filter(
                s ->
                    asList(s.get("Action")).stream().anyMatch(a -> a.toString().startsWith("sqs:")))
            .flatMap(s -> asList(s.get("Resource")).stream())
            .distinct()
            .toList();
    assertThat(queueResources)
        .containsExactlyInAnyOrder(
            "arn:aws:sqs:eu-west-1:123456789012:a4c-prod-host-h1.fifo",
            arn(stack.queues().hostEvents()),
            arn(stack.queues().builds(Arch.AMD64)),
            arn(stack.queues().builds(Arch.ARM64)));

    var ownQueue =
        statements(h1).stream()
            .filter(s -> "OwnCommandQueue".equals(s.get("Sid")))
            .findFirst()
            .orElseThrow();
    assertThat(asList(ownQueue.get("Action")))
        .containsExactlyInAnyOrderElementsOf(HostRoles.OWN_QUEUE_ACTIONS);
  }

  @Test
  void aHostMaySendHostEventsAndTakeBuildsButNotSendBuildsOrReadEvents() {
    Role h1 = stack.hostRoles().roles().get("h1");
    assertThat(actionsOn(h1, arn(stack.queues().hostEvents())))
        .contains("sqs:SendMessage")
        .doesNotContain("sqs:ReceiveMessage", "sqs:DeleteMessage");
    // Every arch's build queue: the stack does not know a host's arch, its daemon polls its own.
    for (Arch arch : Arch.values()) {
      assertThat(actionsOn(h1, arn(stack.queues().builds(arch))))
          .as(arch.wireName())
          .contains("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility")
          .doesNotContain("sqs:SendMessage");
    }
  }

  @Test
  void aHostMayPullAndPushOnlyTheA4cRepository() {
    Role h1 = stack.hostRoles().roles().get("h1");
    Object repository =
        Map.of(
            "Fn::GetAtt",
            List.of(
                logicalId(stack.getNode().findChild("Registry").getNode().findChild("Images")),
                "Arn"));
    // Everything docker pull and docker push ask of the repository.
    assertThat(actionsOn(h1, repository))
        .contains(
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
            "ecr:InitiateLayerUpload",
            "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload",
            "ecr:PutImage");
  }

  @Test
  void withoutATrustAnchorTheRoleIsTakenOnlyFromThisAccount() {
    template.hasResourceProperties(
        "AWS::IAM::Role",
        Map.of(
            "Description",
            "A4C prod host daemon on h1",
            "AssumeRolePolicyDocument",
            Map.of(
                "Statement",
                List.of(
                    Map.of(
                        "Action",
                        "sts:AssumeRole",
                        "Effect",
                        "Allow",
                        "Principal",
                        Map.of("AWS", "arn:aws:iam::123456789012:root"),
                        // Its session is named after the host: the SenderId its events carry.
                        "Condition",
                        Map.of("StringEquals", Map.of("sts:RoleSessionName", "h1")))),
                "Version",
                "2012-10-17")));
  }

  @Test
  void withATrustAnchorOnlyACertificateNamingTheHostMayTakeItsRole() {
    var synthesized = TestStacks.synthesized(TestStacks.PROD_ROLES_ANYWHERE);
    Role rack2 = synthesized.stack().hostRoles().roles().get("rack-2");
    @SuppressWarnings("unchecked")
    var trust =
        (List<Map<String, Object>>)
            ((Map<String, Object>)
                    properties(
                            resources(synthesized.template(), "AWS::IAM::Role")
                                .get(logicalId(rack2)))
                        .get("AssumeRolePolicyDocument"))
                .get("Statement");
    Map<String, Object> onlyThisCertificate =
        Map.of(
            "StringEquals", Map.of("aws:PrincipalTag/x509Subject/CN", "rack-2"),
            "ArnEquals", Map.of("aws:SourceArn", TestStacks.TRUST_ANCHOR));
    assertThat(trust)
        .allSatisfy(
            statement -> {
              assertThat(statement.get("Principal"))
                  .isEqualTo(Map.of("Service", "rolesanywhere.amazonaws.com"));
              assertThat(statement.get("Condition")).isEqualTo(onlyThisCertificate);
            });
    assertThat(trust.stream().flatMap(st -> asList(st.get("Action")).stream()))
        .containsExactlyInAnyOrder("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity");
    synthesized
        .template()
        .hasResourceProperties(
            "AWS::RolesAnywhere::Profile",
            Map.of(
                "Name",
                "a4c-prod-hosts",
                "RoleArns",
                Match.anyValue(),
                "AcceptRoleSessionName",
                true));
  }

  private List<Map<String, Object>> statements(Role role) {
    return statementsOfRole(template, logicalId(role));
  }

  private List<Object> actionsOn(Role role, Object resource) {
    return statements(role).stream()
        .filter(s -> asList(s.get("Resource")).contains(resource))
        .flatMap(s -> asList(s.get("Action")).stream())
        .toList();
  }

  private static Object arn(IQueue queue) {
    return Map.of("Fn::GetAtt", List.of(logicalId(queue), "Arn"));
  }
}
