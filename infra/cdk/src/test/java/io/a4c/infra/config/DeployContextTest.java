package io.a4c.infra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployContextTest {

  @Test
  void readsListsGivenOnTheCommandLineOrInCdkJson() {
    Map<String, Object> fromCli = minimal();
    fromCli.put("hosts", "h1, rack-2,");
    fromCli.put("jwtAudience", "cli,web");
    Map<String, Object> fromJson = minimal();
    fromJson.put("hosts", List.of("h1", "rack-2"));
    fromJson.put("jwtAudience", List.of("cli", "web"));

    for (var context : List.of(fromCli, fromJson)) {
      DeployContext read = DeployContext.read(context::get);
      assertThat(read.hostIds()).containsExactly("h1", "rack-2");
      assertThat(read.jwtAudience()).containsExactly("cli", "web");
    }
  }

  @Test
  void defaultsToDevWithTheAdminClaimAndNoHosts() {
    DeployContext read = DeployContext.read(minimal()::get);
    assertThat(read.settings()).isEqualTo(EnvSettings.DEV);
    assertThat(read.adminClaim()).isEqualTo("admin");
    assertThat(read.hostIds()).isEmpty();
    assertThat(read.workspaceDomain()).isEmpty();
    assertThat(read.userEmailDomain()).isEmpty();
    assertThat(read.idleStopMinutes()).isZero();
  }

  @Test
  void readsTheDefaultIdleStopAndRefusesOneThatIsNotAWholeNumberOfMinutes() {
    Map<String, Object> context = minimal();
    context.put("idleStopMinutes", "120");
    assertThat(DeployContext.read(context::get).idleStopMinutes()).isEqualTo(120);

    for (String bad : List.of("-1", "2h", "1.5")) {
      context.put("idleStopMinutes", bad);
      assertThatThrownBy(() -> DeployContext.read(context::get))
          .as(bad)
          .hasMessageContaining("'idleStopMinutes'")
          .hasMessageContaining(bad);
    }
  }

  @Test
  void theUsersEmailDomainMustBeADomain() {
    Map<String, Object> context = minimal();
    context.put("userEmailDomain", "users.example.com");
    assertThat(DeployContext.read(context::get).userEmailDomain()).contains("users.example.com");

    context.put("userEmailDomain", "@example.com");
    assertThatThrownBy(() -> DeployContext.read(context::get))
        .hasMessageContaining("'userEmailDomain'");
  }

  @Test
  void aMissingIssuerIsNamedWithTheFlagThatSetsIt() {
    Map<String, Object> context = minimal();
    context.remove("jwtIssuer");
    assertThatThrownBy(() -> DeployContext.read(context::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'jwtIssuer'")
        .hasMessageContaining("-c jwtIssuer=");
  }

  @Test
  void anIssuerMustBeHttps() {
    Map<String, Object> context = minimal();
    context.put("jwtIssuer", "http://login.example.com/");
    assertThatThrownBy(() -> DeployContext.read(context::get)).hasMessageContaining("'jwtIssuer'");
  }

  @Test
  void hostIdsThatCannotNameAQueueAreRejected() {
    Map<String, Object> context = minimal();
    context.put("hosts", "h1,Host_2");
    assertThatThrownBy(() -> DeployContext.read(context::get))
        .hasMessageContaining("'hosts'")
        .hasMessageContaining("Host_2");
  }

  @Test
  void aHostListedTwiceIsRejected() {
    Map<String, Object> context = minimal();
    context.put("hosts", "h1,h1");
    assertThatThrownBy(() -> DeployContext.read(context::get)).hasMessageContaining("twice");
  }

  @Test
  void imageProjectsAreProjectNamesSoTheirTagPrefixIsTheOneBuildersUse() {
    Map<String, Object> context = minimal();
    context.put("imageProjects", "game,engine-2");
    assertThat(DeployContext.read(context::get).imageProjects())
        .containsExactly("game", "engine-2");

    // A tag prefix in place of the project name is refused: its rule would match no tag.
    context.put("imageProjects", "game_");
    assertThatThrownBy(() -> DeployContext.read(context::get))
        .hasMessageContaining("'imageProjects'")
        .hasMessageContaining("game_");
  }

  @Test
  void aTrustAnchorMustBeARolesAnywhereArn() {
    Map<String, Object> context = minimal();
    context.put("hostTrustAnchorArn", "arn:aws:iam::123456789012:role/x");
    assertThatThrownBy(() -> DeployContext.read(context::get))
        .hasMessageContaining("'hostTrustAnchorArn'");
  }

  @Test
  void anUnknownEnvironmentIsNamedWithItsContextKey() {
    Map<String, Object> context = minimal();
    context.put("env", "staging");
    assertThatThrownBy(() -> DeployContext.read(context::get).settings())
        .hasMessageContaining("'env'")
        .hasMessageContaining("staging");
  }

  private static Map<String, Object> minimal() {
    Map<String, Object> context = new HashMap<>();
    context.put("jwtIssuer", "https://login.example.com/");
    context.put("jwtAudience", "a4c");
    context.put("senderEmail", "builds@example.com");
    return context;
  }
}
