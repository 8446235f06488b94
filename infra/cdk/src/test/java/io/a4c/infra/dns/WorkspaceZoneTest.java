package io.a4c.infra.dns;

import static io.a4c.infra.TemplateJson.logicalId;
import static io.a4c.infra.TemplateJson.properties;
import static io.a4c.infra.TemplateJson.resources;
import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.infra.A4cStack;
import io.a4c.infra.TemplateJson;
import io.a4c.infra.TestStacks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Alias;

/**
 * The workspace domain's private hosted zone: made in a VPC, named in every function's environment,
 * and writable by the functions that write records only, on that zone alone.
 */
class WorkspaceZoneTest {
  private final A4cStack stack = TestStacks.stack(TestStacks.PROD);
  private final Template template = TestStacks.template(TestStacks.PROD);

  @Test
  void theWorkspaceDomainIsAPrivateZoneInTheStacksOwnVpc() {
    var zones = resources(template, "AWS::Route53::HostedZone");
    assertThat(zones).hasSize(1);
    Map<String, Object> zone = properties(zones.values().iterator().next());
    assertThat(zone).containsEntry("Name", WorkspaceZone.DEFAULT_DOMAIN + ".");
    String vpc = logicalId(stack.workspaceZone().vpc());
    assertThat(TemplateJson.asList(zone.get("VPCs")))
        .singleElement()
        .satisfies(v -> assertThat(((Map<?, ?>) v).get("VPCId")).isEqualTo(Map.of("Ref", vpc)));
    // The VPC costs nothing: no NAT gateway, no internet gateway.
    template.resourceCountIs("AWS::EC2::VPC", 1);
    template.resourceCountIs("AWS::EC2::NatGateway", 0);
    template.resourceCountIs("AWS::EC2::InternetGateway", 0);
  }

  @Test
  void aVpcNamedInTheContextHoldsTheZoneAndNoneIsMade() {
    Map<String, Object> context = TestStacks.contextOf(TestStacks.DEV);
    context.put("workspaceVpcId", "vpc-0123456789abcdef0");
    context.put("workspaceDomain", "dev.example.internal");
    Template withVpc = TestStacks.synthesize(context).template();

    withVpc.resourceCountIs("AWS::EC2::VPC", 0);
    Map<String, Object> zone =
        properties(resources(withVpc, "AWS::Route53::HostedZone").values().iterator().next());
    assertThat(zone).containsEntry("Name", "dev.example.internal.");
    assertThat(TemplateJson.asList(zone.get("VPCs")))
        .singleElement()
        .satisfies(
            v -> assertThat(((Map<?, ?>) v).get("VPCId")).isEqualTo("vpc-0123456789abcdef0"));
  }

  @Test
  void everyFunctionIsToldTheZoneId() {
    String zone = logicalId(stack.workspaceZone().zone());
    for (Alias function : aliases()) {
      assertThat(environment(function))
          .as(function.getNode().getId())
          .containsEntry(FunctionsEnv.DNS_ZONE_ID, Map.of("Ref", zone));
    }
  }

  @Test
  void onlyTheFunctionsThatWriteRecordsMayChangeThemAndOnlyInThatZone() {
    String zone = logicalId(stack.workspaceZone().zone());
    // The stack is in a known account and region, so the partition is written out.
    Object zoneArn =
        Map.of(
            "Fn::Join", List.of("", List.of("arn:aws:route53:::hostedzone/", Map.of("Ref", zone))));
    var writers =
        List.of(
            stack.functions().workspacesApi(),
            stack.functions().hostEvents(),
            stack.functions().sweeper());
    for (Alias function : aliases()) {
      var route53 =
          TemplateJson.statementsOfRole(template, roleOf(function)).stream()
              .filter(
                  s ->
                      TemplateJson.asList(s.get("Action")).stream()
                          .anyMatch(a -> a.toString().startsWith("route53:")))
              .toList();
      if (!writers.contains(function)) {
        assertThat(route53).as(function.getNode().getId()).isEmpty();
        continue;
      }
      assertThat(route53).as(function.getNode().getId()).hasSize(1);
      assertThat(TemplateJson.asList(route53.getFirst().get("Action")))
          .containsExactly("route53:ChangeResourceRecordSets");
      assertThat(TemplateJson.asList(route53.getFirst().get("Resource"))).containsExactly(zoneArn);
    }
  }

  @Test
  void theRecordsTableIsLocalOnly() {
    template.resourceCountIs(
        "AWS::DynamoDB::Table", A4cTables.ALL.size() - A4cTables.LOCAL_ONLY.size());
    assertThat(A4cTables.deployed(A4cTables.DNS_RECORDS)).isFalse();
  }

  private List<Alias> aliases() {
    var f = stack.functions();
    return List.of(
        f.workspacesApi(),
        f.adminApi(),
        f.imageSchedulesApi(),
        f.hostEvents(),
        f.recurringBuilds(),
        f.sweeper(),
        f.buildClaim(),
        f.buildDeadLetters());
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> environment(Alias alias) {
    return (Map<String, Object>)
        ((Map<String, Object>)
                properties(
                        resources(template, "AWS::Lambda::Function")
                            .get(logicalId(alias.getVersion().getLambda())))
                    .get("Environment"))
            .get("Variables");
  }

  private String roleOf(Alias alias) {
    return logicalId(alias.getVersion().getLambda().getRole());
  }
}
