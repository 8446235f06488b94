package io.a4c.infra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.RetentionDays;

class EnvSettingsTest {

  @Test
  void productionRetainsDataAndDevRemovesIt() {
    assertThat(EnvSettings.named("prod").removalPolicy()).isEqualTo(RemovalPolicy.RETAIN);
    assertThat(EnvSettings.named("dev").removalPolicy()).isEqualTo(RemovalPolicy.DESTROY);
  }

  @Test
  void eachEnvironmentHasItsOwnHostQueuePrefix() {
    assertThat(EnvSettings.named("dev").hostQueuePrefix()).isEqualTo("a4c-dev-host-");
    assertThat(EnvSettings.named(" PROD ").hostQueuePrefix()).isEqualTo("a4c-prod-host-");
  }

  @Test
  void aQueueConsumerNeedsAtLeastTwoInstancesForItsEventSourceMapping() {
    assertThatThrownBy(
            () ->
                new EnvSettings(
                    "x",
                    false,
                    1024,
                    512,
                    1,
                    1,
                    1,
                    Duration.seconds(30),
                    Duration.minutes(5),
                    1,
                    1,
                    1,
                    RetentionDays.ONE_DAY))
        .hasMessageContaining("hostEventsConcurrency");
  }
}
