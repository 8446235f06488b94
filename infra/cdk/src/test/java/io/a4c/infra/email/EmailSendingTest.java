package io.a4c.infra.email;

import static io.a4c.infra.TemplateJson.logicalId;

import io.a4c.infra.A4cStack;
import io.a4c.infra.TestStacks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

class EmailSendingTest {
  private final A4cStack stack = TestStacks.stack(TestStacks.PROD);
  private final Template template = TestStacks.template(TestStacks.PROD);

  @Test
  void theSenderFromContextSendsThroughTheConfigurationSet() {
    template.hasResourceProperties(
        "AWS::SES::EmailIdentity",
        Map.of(
            "EmailIdentity",
            "builds@example.com",
            "ConfigurationSetAttributes",
            Map.of("ConfigurationSetName", Map.of("Ref", configurationSetId()))));
  }

  @Test
  void theConfigurationSetSuppressesBouncesAndComplaintsAndTracksReputation() {
    template.hasResourceProperties(
        "AWS::SES::ConfigurationSet",
        Map.of(
            "Name", "a4c-prod",
            "ReputationOptions", Map.of("ReputationMetricsEnabled", true),
            "SendingOptions", Map.of("SendingEnabled", true),
            "SuppressionOptions", Map.of("SuppressedReasons", List.of("BOUNCE", "COMPLAINT"))));
  }

  private String configurationSetId() {
    return logicalId(stack.getNode().findChild("Email").getNode().findChild("ConfigurationSet"));
  }
}
