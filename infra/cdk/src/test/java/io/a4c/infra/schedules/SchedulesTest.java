package io.a4c.infra.schedules;

import static io.a4c.infra.TemplateJson.logicalId;

import io.a4c.infra.A4cStack;
import io.a4c.infra.TestStacks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Alias;

class SchedulesTest {
  private final A4cStack stack = TestStacks.stack(TestStacks.DEV);
  private final Template template = TestStacks.template(TestStacks.DEV);

  @Test
  void recurringBuildsAreCheckedEveryFiveMinutes() {
    assertRuleInvokes("cron(0/5 * * * ? *)", stack.functions().recurringBuilds());
  }

  @Test
  void theSweeperRunsEveryMinute() {
    assertRuleInvokes("rate(1 minute)", stack.functions().sweeper());
  }

  @Test
  void onlyTheTwoRulesMayInvokeTheScheduledFunctions() {
    template.resourceCountIs("AWS::Events::Rule", 2);
    template.resourcePropertiesCountIs(
        "AWS::Lambda::Permission", Map.of("Principal", "events.amazonaws.com"), 2);
  }

  private void assertRuleInvokes(String schedule, Alias alias) {
    template.hasResourceProperties(
        "AWS::Events::Rule",
        Map.of(
            "ScheduleExpression",
            schedule,
            "State",
            "ENABLED",
            "Targets",
            List.of(
                Match.objectLike(
                    Map.of(
                        "Arn", Map.of("Ref", logicalId(alias)),
                        "RetryPolicy",
                            Map.of("MaximumRetryAttempts", 2, "MaximumEventAgeInSeconds", 120))))));
  }
}
