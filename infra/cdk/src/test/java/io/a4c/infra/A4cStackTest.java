package io.a4c.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.config.DaemonEnv;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class A4cStackTest {

  @Test
  void outputsGiveHostDaemonsEverythingTheyNeed() {
    Template template = TestStacks.template(TestStacks.PROD);
    template.hasOutput(
        "HostEventsQueueUrl",
        Map.of("Description", Match.stringLikeRegexp(".*" + DaemonEnv.HOST_EVENTS_QUEUE_URL)));
    template.hasOutput(
        "HostQueuePrefix",
        Map.of(
            "Value",
            "a4c-prod-host-",
            "Description",
            Match.stringLikeRegexp(".*" + DaemonEnv.HOST_QUEUE_PREFIX)));
    // Its value is A4C_IMAGE_REPOSITORY as it stands: host/path, no tag.
    template.hasOutput(
        "ImageRepositoryUri",
        Map.of("Description", Match.stringLikeRegexp(".*" + DaemonEnv.IMAGE_REPOSITORY + " .*")));
    for (String output :
        new String[] {
          "ApiUrl",
          "BuildQueueUrlAmd64",
          "BuildQueueUrlArm64",
          "BuildDlqUrlAmd64",
          "BuildDlqUrlArm64",
          "ImageRepositoryUri",
          "WorkspacesTable",
          "ProjectsTable",
          "ImagesTable",
          "HostsTable",
          "HostImagesTable",
          "BuildSchedulesTable",
          "HostRoleh1",
          "HostRolerackD2"
        }) {
      template.hasOutput(output, Match.anyValue());
    }
  }

  @Test
  void hostOutputIdsStayDistinctForDistinctHosts() {
    assertThat(A4cStack.outputSuffix("rack-2")).isNotEqualTo(A4cStack.outputSuffix("rack2"));
    assertThat(A4cStack.outputSuffix("rack-2")).matches("[A-Za-z0-9]+");
  }

  @Test
  void devAndProdAreTheSameStackWithDifferentSettings() {
    Map<String, Map<String, Object>> dev =
        TemplateJson.resources(TestStacks.template(TestStacks.DEV), "AWS::Lambda::Function");
    Map<String, Map<String, Object>> prod =
        TemplateJson.resources(TestStacks.template(TestStacks.PROD), "AWS::Lambda::Function");
    assertThat(dev.keySet()).isEqualTo(prod.keySet());
  }
}
