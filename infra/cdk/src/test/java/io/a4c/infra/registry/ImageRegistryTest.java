package io.a4c.infra.registry;

import static io.a4c.infra.TemplateJson.properties;
import static io.a4c.infra.TemplateJson.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.events.Arch;
import io.a4c.events.ImageTags;
import io.a4c.infra.TestStacks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class ImageRegistryTest {

  @Test
  void untaggedImagesExpireAfterADayAndEachProjectKeepsItsNewestByItsTagPrefix() throws Exception {
    JsonNode rules = lifecycleRules(TestStacks.PROD);
    List<String> selections = new ArrayList<>();
    for (JsonNode rule : rules) {
      selections.add(rule.get("selection").toString());
    }
    assertThat(selections)
        .containsExactly(
            "{\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countNumber\":1,"
                + "\"countUnit\":\"days\"}",
            "{\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"game_\"],"
                + "\"countType\":\"imageCountMoreThan\",\"countNumber\":20}",
            "{\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"engine_\"],"
                + "\"countType\":\"imageCountMoreThan\",\"countNumber\":20}",
            "{\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1000}");
    assertThat(rules.findValuesAsText("type")).containsOnly("expire");
    // The prefix is the one builders tag with: a project's tags start with it.
    assertThat(ImageTags.of("game", "main", Arch.AMD64, "4711")).startsWith("game_");
  }

  @Test
  void withoutProjectsOnlyTheUntaggedRuleAndTheCapRemain() throws Exception {
    assertThat(lifecycleRules(TestStacks.DEV).findValuesAsText("tagStatus"))
        .containsExactly("untagged", "any");
  }

  @Test
  void imagesAreScannedOnPushAndTheProductionRepositoryOutlivesTheStack() {
    TestStacks.template(TestStacks.PROD)
        .hasResource(
            "AWS::ECR::Repository",
            Map.of(
                "DeletionPolicy",
                "Retain",
                "Properties",
                Match.objectLike(
                    Map.of(
                        "ImageScanningConfiguration",
                        Map.of("ScanOnPush", true),
                        "EmptyOnDelete",
                        false))));
    TestStacks.template(TestStacks.DEV)
        .hasResource(
            "AWS::ECR::Repository",
            Map.of(
                "DeletionPolicy",
                "Delete",
                "Properties",
                Match.objectLike(Map.of("EmptyOnDelete", true))));
  }

  @SuppressWarnings("unchecked")
  private static JsonNode lifecycleRules(String variant) throws Exception {
    var repository =
        resources(TestStacks.template(variant), "AWS::ECR::Repository").values().iterator().next();
    String text =
        (String)
            ((Map<String, Object>) properties(repository).get("LifecyclePolicy"))
                .get("LifecyclePolicyText");
    return new ObjectMapper().readTree(text).get("rules");
  }
}
