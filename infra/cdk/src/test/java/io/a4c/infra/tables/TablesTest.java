package io.a4c.infra.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.infra.TemplateJson;
import io.a4c.infra.TestStacks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class TablesTest {

  @ParameterizedTest
  @ValueSource(strings = {TestStacks.DEV, TestStacks.PROD})
  void everyTableIsOnDemandWithPointInTimeRecovery(String env) {
    Template template = TestStacks.template(env);
    template.resourceCountIs("AWS::DynamoDB::Table", 11);
    template.allResourcesProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "BillingMode",
            "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification",
            Map.of("PointInTimeRecoveryEnabled", true)));
  }

  @Test
  void workspacesAreKeyedByUserThenWorkspaceWithIndexesByHostInFlightAndStopped() {
    TestStacks.template(TestStacks.DEV)
        .hasResourceProperties(
            "AWS::DynamoDB::Table",
            Map.of(
                "KeySchema", List.of(hash("userId"), range("workspaceId")),
                "GlobalSecondaryIndexes",
                    List.of(
                        Map.of(
                            "IndexName", Tables.WORKSPACES_BY_HOST,
                            "KeySchema", List.of(hash("hostId"), range("workspaceId")),
                            "Projection", Map.of("ProjectionType", "ALL")),
                        Map.of(
                            "IndexName", Tables.WORKSPACES_IN_FLIGHT,
                            "KeySchema", List.of(hash("inFlight"), range("updatedAt")),
                            "Projection", Map.of("ProjectionType", "ALL")),
                        Map.of(
                            "IndexName", Tables.WORKSPACES_EXPIRING,
                            "KeySchema", List.of(hash("expires"), range("deleteAfter")),
                            "Projection", Map.of("ProjectionType", "ALL")))));
  }

  @Test
  void hostImagesAreKeyedByImageThenHostWithAnIndexByHostAndTombstonesExpire() {
    TestStacks.template(TestStacks.DEV)
        .hasResourceProperties(
            "AWS::DynamoDB::Table",
            Map.of(
                "KeySchema", List.of(hash("imageRef"), range("hostId")),
                "GlobalSecondaryIndexes",
                    List.of(
                        Map.of(
                            "IndexName", "byHost",
                            "KeySchema", List.of(hash("hostId"), range("imageRef")),
                            "Projection", Map.of("ProjectionType", "ALL"))),
                "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true)));
  }

  @Test
  void idempotencyKeysAreForgottenByTimeToLive() {
    TestStacks.template(TestStacks.DEV)
        .hasResourceProperties(
            "AWS::DynamoDB::Table",
            Map.of(
                "KeySchema", List.of(hash("idempotencyKey")),
                "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true)));
  }

  @Test
  void projectsImagesHostsAndBuildSchedulesHaveTheKeysTheStoresUse() {
    Template template = TestStacks.template(TestStacks.DEV);
    template.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "KeySchema", List.of(hash("projectName")),
            "AttributeDefinitions", List.of(string("projectName"))));
    template.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "KeySchema",
            List.of(hash("imageKey"), range("change")),
            "GlobalSecondaryIndexes",
            List.of(
                Match.objectLike(
                    Map.of(
                        "IndexName",
                        "byNewest",
                        "KeySchema",
                        List.of(hash("imageKey"), range("newestOrder")))))));
    template.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "KeySchema", List.of(hash("hostId")),
            "AttributeDefinitions", List.of(string("hostId"))));
    template.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "KeySchema", List.of(hash("userId"), range("scheduleId")),
            "GlobalSecondaryIndexes",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "IndexName",
                            Tables.BUILDS_BY_STATUS,
                            "KeySchema",
                            List.of(hash("status"), range("scheduledAt")))),
                    Match.objectLike(
                        Map.of(
                            "IndexName",
                            "byEmailDue",
                            "KeySchema",
                            List.of(hash("emailDue"), range("endedAt")))))));
  }

  @Test
  void sshKeysAreKeyedByUserAndKeyNameWithTheAccountsWhoseSyncIsPending() {
    Template template = TestStacks.template(TestStacks.DEV);
    template.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "KeySchema",
            List.of(hash("userId"), range("keyName")),
            "AttributeDefinitions",
            Match.arrayWith(List.of(string("userId"), string("keyName"), string("keysSync"))),
            "GlobalSecondaryIndexes",
            List.of(
                Map.of(
                    "IndexName", "byKeysSync",
                    "KeySchema", List.of(hash("keysSync"), range("userId")),
                    "Projection", Map.of("ProjectionType", "ALL")))));
  }

  @Test
  void theAuditTrailIsOneStreamByTimeWithAnIndexByUserAndUsageIsKeyedByUser() {
    Template template = TestStacks.template(TestStacks.PROD);
    template.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "KeySchema",
            List.of(
                Map.of("AttributeName", "stream", "KeyType", "HASH"),
                Map.of("AttributeName", "entryId", "KeyType", "RANGE")),
            "GlobalSecondaryIndexes",
            List.of(
                Map.of(
                    "IndexName",
                    Tables.AUDIT_BY_USER,
                    "KeySchema",
                    List.of(
                        Map.of("AttributeName", "userId", "KeyType", "HASH"),
                        Map.of("AttributeName", "entryId", "KeyType", "RANGE")),
                    "Projection",
                    Map.of("ProjectionType", "ALL")))));
    template.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of("KeySchema", List.of(Map.of("AttributeName", "userId", "KeyType", "HASH"))));
  }

  @Test
  void everyKeyAttributeIsAString() {
    for (var table :
        TemplateJson.resources(TestStacks.template(TestStacks.DEV), "AWS::DynamoDB::Table")
            .values()) {
      @SuppressWarnings("unchecked")
      var attributes =
          (List<Map<String, Object>>) TemplateJson.properties(table).get("AttributeDefinitions");
      assertThat(attributes).extracting(a -> a.get("AttributeType")).containsOnly("S");
    }
  }

  @Test
  void productionTablesAreDeletionProtectedAndRetained() {
    TestStacks.template(TestStacks.PROD)
        .allResources(
            "AWS::DynamoDB::Table",
            Map.of(
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain",
                "Properties", Match.objectLike(Map.of("DeletionProtectionEnabled", true))));
  }

  @Test
  void devTablesGoWithTheStackAndAreNotDeletionProtected() {
    TestStacks.template(TestStacks.DEV)
        .allResources(
            "AWS::DynamoDB::Table",
            Map.of(
                "DeletionPolicy",
                "Delete",
                "Properties",
                Match.objectLike(Map.of("DeletionProtectionEnabled", false))));
  }

  private static Map<String, String> hash(String name) {
    return Map.of("AttributeName", name, "KeyType", "HASH");
  }

  private static Map<String, String> range(String name) {
    return Map.of("AttributeName", name, "KeyType", "RANGE");
  }

  private static Map<String, String> string(String name) {
    return Map.of("AttributeName", name, "AttributeType", "S");
  }
}
