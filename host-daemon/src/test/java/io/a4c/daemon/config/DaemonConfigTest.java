package io.a4c.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.daemon.registry.RegistryCredentials;
import io.a4c.daemon.registry.RegistryLogin;
import io.a4c.events.Arch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class DaemonConfigTest {
  public static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put(DaemonEnv.HOST_ID, "h1");
    env.put(
        DaemonEnv.HOST_EVENTS_QUEUE_URL, "https://sqs.eu-west-1.amazonaws.com/1/a4c-host-events");
    env.put(DaemonEnv.HOST_QUEUE_PREFIX, "a4c-prod-host-");
    return env;
  }

  @Test
  void readsTheEnvironmentWithDefaults() {
    var config = DaemonConfig.fromEnvironment(minimal());

    assertThat(config.dockerHost()).isEqualTo("unix:///var/run/docker.sock");
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.capacity()).isEqualTo(20);
    assertThat(config.sqsEndpoint()).isEmpty();
    assertThat(config.builder().enabled()).isFalse();
    assertThat(config.imageRepository()).isEmpty();
    assertThat(config.registryLogin()).isEqualTo(RegistryLogin.NONE);
  }

  @Test
  void idleChecksRunEveryMinuteAtFivePercentUnlessSetAndBadValuesAreNamed() {
    var defaults = DaemonConfig.fromEnvironment(minimal());
    assertThat(defaults.idleCheckInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(defaults.idleCpuPercent()).isEqualTo(5);

    var env = minimal();
    env.put(DaemonEnv.IDLE_CHECK_SECONDS, "2");
    env.put(DaemonEnv.IDLE_CPU_PERCENT, "150");
    var set = DaemonConfig.fromEnvironment(env);
    assertThat(set.idleCheckInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(set.idleCpuPercent()).isEqualTo(150);

    env.put(DaemonEnv.IDLE_CHECK_SECONDS, "0");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(env))
        .hasMessageContaining(DaemonEnv.IDLE_CHECK_SECONDS);
    env.put(DaemonEnv.IDLE_CHECK_SECONDS, "60");
    env.put(DaemonEnv.IDLE_CPU_PERCENT, "5.5");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(env))
        .hasMessageContaining(DaemonEnv.IDLE_CPU_PERCENT);
  }

  @Test
  void theWorkspaceDiskLimitIsFiftyGigabytesUnlessSetInDecimalGigabytesAndBadValuesAreNamed() {
    assertThat(DaemonConfig.fromEnvironment(minimal()).workspaceDiskLimitBytes())
        .isEqualTo(50_000_000_000L);
    var env = minimal();
    env.put(DaemonEnv.WORKSPACE_DISK_LIMIT_GB, "0.02");
    assertThat(DaemonConfig.fromEnvironment(env).workspaceDiskLimitBytes()).isEqualTo(20_000_000L);
    env.put(DaemonEnv.WORKSPACE_DISK_LIMIT_GB, "0");
    assertThat(DaemonConfig.fromEnvironment(env).workspaceDiskLimitBytes()).isZero();

    for (String bad : List.of("-1", "lots", "2000000")) {
      env.put(DaemonEnv.WORKSPACE_DISK_LIMIT_GB, bad);
      assertThatThrownBy(() -> DaemonConfig.fromEnvironment(env))
          .hasMessageContaining(DaemonEnv.WORKSPACE_DISK_LIMIT_GB)
          .hasMessageContaining(bad);
    }
  }

  @Test
  void aWorkspaceSubnetIsAnIpv4NetworkAddressAndNoneMeansTheDefaultBridge() {
    assertThat(DaemonConfig.fromEnvironment(minimal()).workspaceSubnet()).isEmpty();

    var env = minimal();
    env.put(DaemonEnv.WORKSPACE_SUBNET, " 10.251.2.0/24 ");
    var subnet = DaemonConfig.fromEnvironment(env).workspaceSubnet().orElseThrow();
    assertThat(subnet.cidr()).isEqualTo("10.251.2.0/24");
    assertThat(subnet.contains("10.251.2.17")).isTrue();
    assertThat(subnet.contains("10.251.3.17")).isFalse();
    assertThat(subnet.contains("172.17.0.2")).isFalse();

    for (String bad :
        List.of("10.251.2.1/24", "10.251.2.0", "10.251.256.0/24", "10.251.2.0/31", "fd00::/64")) {
      env.put(DaemonEnv.WORKSPACE_SUBNET, bad);
      assertThatThrownBy(() -> DaemonConfig.fromEnvironment(env))
          .as(bad)
          .hasMessageContaining(DaemonEnv.WORKSPACE_SUBNET);
    }
  }

  /** A builder's environment with the build queue of one arch only. */
  private static Map<String, String> builderWithQueueOf(Arch arch) {
    var env = minimal();
    env.put(DaemonEnv.BUILDER, "true");
    env.put(
        DaemonEnv.buildQueueUrl(arch),
        "https://sqs.eu-west-1.amazonaws.com/1/a4c-builds-" + arch.wireName());
    env.put(DaemonEnv.IMAGE_REPOSITORY, "10.250.0.1:5000/a4c-images");
    env.put(DaemonEnv.BUILD_CLAIM_FUNCTION, "a4c-prod-BuildClaim");
    return env;
  }

  @Test
  void aBuilderNeedsItsQueueRegistryAndClaimFunctionAndNamesWhatIsMissing() {
    var env = builderWithQueueOf(Arch.AMD64);
    var builder = DaemonConfig.fromEnvironment(env).builder();
    assertThat(builder.enabled()).isTrue();
    assertThat(builder.concurrency()).isEqualTo(2);
    assertThat(builder.visibility()).isEqualTo(Duration.ofMinutes(5));

    var noQueue = new java.util.HashMap<>(env);
    noQueue.remove(DaemonEnv.BUILD_QUEUE_URL_AMD64);
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(noQueue))
        .hasMessageContaining("A4C_BUILD_QUEUE_URL_AMD64")
        .hasMessageContaining("A4C_BUILD_QUEUE_URL_ARM64");
    var noRepository = new java.util.HashMap<>(env);
    noRepository.remove(DaemonEnv.IMAGE_REPOSITORY);
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(noRepository))
        .hasMessageContaining("A4C_IMAGE_REPOSITORY");
    for (String bad :
        new String[] {"evil;rm/x", "10.250.0.1:5000", "10.250.0.1:5000/A4C", "busybox/a4c"}) {
      var badRepository = new java.util.HashMap<>(env);
      badRepository.put(DaemonEnv.IMAGE_REPOSITORY, bad);
      assertThatThrownBy(() -> DaemonConfig.fromEnvironment(badRepository))
          .as(bad)
          .hasMessageContaining("A4C_IMAGE_REPOSITORY");
    }
    var tooMany = new java.util.HashMap<>(env);
    tooMany.put(DaemonEnv.BUILD_CONCURRENCY, "0");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(tooMany))
        .hasMessageContaining("A4C_BUILD_CONCURRENCY");
  }

  @Test
  void buildsGetAQuarterOfAWorkspacesCpuWeightAndFourGibUnlessSetAndBadValuesAreNamed() {
    var env = builderWithQueueOf(Arch.AMD64);
    var defaults = DaemonConfig.fromEnvironment(env).builder();
    assertThat(defaults.cpuShares()).isEqualTo(256);
    assertThat(defaults.memoryMb()).isEqualTo(4096);
    assertThat(defaults.nice()).isEqualTo(10);

    env.put(DaemonEnv.BUILD_CPU_SHARES, "128");
    env.put(DaemonEnv.BUILD_MEMORY_MB, "0");
    env.put(DaemonEnv.BUILD_NICE, "0");
    var set = DaemonConfig.fromEnvironment(env).builder();
    assertThat(set.cpuShares()).isEqualTo(128);
    assertThat(set.memoryMb()).as("0: no ceiling").isZero();
    assertThat(set.nice()).as("0: git at the daemon's priority").isZero();

    for (var bad :
        List.of(
            Map.entry(DaemonEnv.BUILD_CPU_SHARES, "1"),
            Map.entry(DaemonEnv.BUILD_CPU_SHARES, "lots"),
            Map.entry(DaemonEnv.BUILD_MEMORY_MB, "63"),
            Map.entry(DaemonEnv.BUILD_MEMORY_MB, "-1"),
            Map.entry(DaemonEnv.BUILD_NICE, "20"),
            Map.entry(DaemonEnv.BUILD_NICE, "-5"))) {
      var badEnv = new java.util.HashMap<>(env);
      badEnv.put(bad.getKey(), bad.getValue());
      assertThatThrownBy(() -> DaemonConfig.fromEnvironment(badEnv))
          .as(bad.toString())
          .hasMessageContaining(bad.getKey());
    }
  }

  @Test
  void aBuilderPollsTheQueueOfItsOwnArchAndNamesTheVariableWhenItHasNone() {
    var builder = DaemonConfig.fromEnvironment(builderWithQueueOf(Arch.ARM64)).builder();

    assertThat(builder.queueUrl(Arch.ARM64)).endsWith("/a4c-builds-arm64");
    assertThatThrownBy(() -> builder.queueUrl(Arch.AMD64))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("A4C_BUILD_QUEUE_URL_AMD64")
        .hasMessageContaining("amd64");
  }

  @Test
  void refusesAHostIdThatCouldNotNameAQueueAndNamesTheVariable() {
    var env = minimal();
    env.put(DaemonEnv.HOST_ID, "H1/../x");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(env)).hasMessageContaining("A4C_HOST_ID");

    var noQueue = minimal();
    noQueue.remove(DaemonEnv.HOST_EVENTS_QUEUE_URL);
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(noQueue))
        .hasMessageContaining("A4C_HOST_EVENTS_QUEUE_URL");

    var badBeat = minimal();
    badBeat.put(DaemonEnv.HEARTBEAT_SECONDS, "0");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(badBeat))
        .hasMessageContaining("A4C_HEARTBEAT_SECONDS");
  }

  @Test
  void anEcrRepositoryLogsInToEcrAndAnyOtherRegistryWithNothing() {
    assertThat(loginFor("123456789012.dkr.ecr.eu-west-1.amazonaws.com/a4c-prod-images", null))
        .isEqualTo(RegistryLogin.ECR);
    assertThat(loginFor("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/a4c-images", "auto"))
        .isEqualTo(RegistryLogin.ECR);
    assertThat(loginFor("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/a4c-images", ""))
        .isEqualTo(RegistryLogin.ECR);
    assertThat(loginFor("10.250.0.1:5000/a4c-images", null)).isEqualTo(RegistryLogin.NONE);
    assertThat(loginFor("registry.example.com/a4c-images", null)).isEqualTo(RegistryLogin.NONE);
    // An ECR-looking name that is not one: another domain, or not a 12-digit account.
    assertThat(loginFor("123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example/a4c", null))
        .isEqualTo(RegistryLogin.NONE);
    assertThat(loginFor("1234.dkr.ecr.eu-west-1.amazonaws.com/a4c", null))
        .isEqualTo(RegistryLogin.NONE);
  }

  @Test
  void theLoginSettingOverridesTheChoiceAndIsChecked() {
    assertThat(loginFor("123456789012.dkr.ecr.eu-west-1.amazonaws.com/a4c-prod-images", "none"))
        .isEqualTo(RegistryLogin.NONE);
    assertThat(loginFor("ecr.internal.example:443/a4c-images", "ECR")).isEqualTo(RegistryLogin.ECR);

    var unknown = minimal();
    unknown.put(DaemonEnv.IMAGE_REPOSITORY, "10.250.0.1:5000/a4c-images");
    unknown.put(DaemonEnv.REGISTRY_LOGIN, "kerberos");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(unknown))
        .hasMessageContaining("A4C_REGISTRY_LOGIN");
    var ecrWithoutRepository = minimal();
    ecrWithoutRepository.put(DaemonEnv.REGISTRY_LOGIN, "ecr");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(ecrWithoutRepository))
        .hasMessageContaining("A4C_REGISTRY_LOGIN");
    assertThat(DaemonConfig.fromEnvironment(minimal()).registryLogin())
        .as("no repository, nothing to log in to")
        .isEqualTo(RegistryLogin.NONE);
  }

  @Test
  void aHostThatOnlyRunsWorkspacesMayNameTheRepositoryItPullsFrom() {
    var env = minimal();
    env.put(
        DaemonEnv.IMAGE_REPOSITORY, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/a4c-prod-images");
    var config = DaemonConfig.fromEnvironment(env);

    assertThat(config.builder().enabled()).isFalse();
    assertThat(config.imageRepository().orElseThrow().registry())
        .isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    assertThat(config.imageRepository().orElseThrow().path()).isEqualTo("a4c-prod-images");
    assertThat(config.registryLogin()).isEqualTo(RegistryLogin.ECR);
  }

  @Test
  void aUserAndPasswordFileLogInWithBasicAuthReadingThePasswordAtStartUp(@TempDir Path dir)
      throws IOException {
    Path passwordFile = dir.resolve("registry-password");
    Files.writeString(passwordFile, "s3cret-pass\n");
    var env = minimal();
    env.put(DaemonEnv.IMAGE_REPOSITORY, "10.250.0.1:5000/a4c-images");
    env.put(DaemonEnv.REGISTRY_USERNAME, "a4c");
    env.put(DaemonEnv.REGISTRY_PASSWORD_FILE, passwordFile.toString());

    var config = DaemonConfig.fromEnvironment(env);

    assertThat(config.registryLogin()).as("auto, with a user").isEqualTo(RegistryLogin.BASIC);
    assertThat(config.registryCredentials())
        .contains(new RegistryCredentials("a4c", "s3cret-pass"));
    assertThat(config.registryCredentials().orElseThrow().toString()).doesNotContain("s3cret-pass");
    assertThat(config.toString()).doesNotContain("s3cret-pass");

    env.put(DaemonEnv.REGISTRY_LOGIN, "none");
    assertThat(DaemonConfig.fromEnvironment(env).registryCredentials())
        .as("credentials unused by the login are not kept")
        .isEmpty();
    env.put(DaemonEnv.REGISTRY_LOGIN, "basic");
    assertThat(DaemonConfig.fromEnvironment(env).registryLogin()).isEqualTo(RegistryLogin.BASIC);
  }

  @Test
  void aBasicLoginNeedsTheUserAndAReadablePasswordFileAndSaysWhichIsMissing(@TempDir Path dir)
      throws IOException {
    var basic = minimal();
    basic.put(DaemonEnv.IMAGE_REPOSITORY, "10.250.0.1:5000/a4c-images");
    basic.put(DaemonEnv.REGISTRY_LOGIN, "basic");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(basic))
        .hasMessageContaining("A4C_REGISTRY_LOGIN")
        .hasMessageContaining("user name");

    var userOnly = minimal();
    userOnly.put(DaemonEnv.IMAGE_REPOSITORY, "10.250.0.1:5000/a4c-images");
    userOnly.put(DaemonEnv.REGISTRY_USERNAME, "a4c");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(userOnly))
        .hasMessageContaining("A4C_REGISTRY_PASSWORD_FILE");

    var missingFile = new HashMap<>(userOnly);
    missingFile.put(DaemonEnv.REGISTRY_PASSWORD_FILE, dir.resolve("absent").toString());
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(missingFile))
        .hasMessageContaining("A4C_REGISTRY_PASSWORD_FILE")
        .hasMessageContaining(dir.resolve("absent").toString());

    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    var emptyFile = new HashMap<>(userOnly);
    emptyFile.put(DaemonEnv.REGISTRY_PASSWORD_FILE, empty.toString());
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(emptyFile))
        .hasMessageContaining(empty.toString());

    var noRepository = minimal();
    noRepository.put(DaemonEnv.REGISTRY_LOGIN, "basic");
    noRepository.put(DaemonEnv.REGISTRY_USERNAME, "a4c");
    noRepository.put(
        DaemonEnv.REGISTRY_PASSWORD_FILE, Files.writeString(dir.resolve("pw"), "pw").toString());
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(noRepository))
        .hasMessageContaining("repository");
  }

  @Test
  void anEcrRepositoryLogsInToEcrEvenWithAUserGiven(@TempDir Path dir) throws IOException {
    var env = minimal();
    env.put(
        DaemonEnv.IMAGE_REPOSITORY, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/a4c-prod-images");
    env.put(DaemonEnv.REGISTRY_USERNAME, "a4c");
    env.put(
        DaemonEnv.REGISTRY_PASSWORD_FILE, Files.writeString(dir.resolve("pw"), "pw").toString());

    assertThat(DaemonConfig.fromEnvironment(env).registryLogin()).isEqualTo(RegistryLogin.ECR);
  }

  private static RegistryLogin loginFor(String repository, String setting) {
    var env = minimal();
    env.put(DaemonEnv.IMAGE_REPOSITORY, repository);
    if (setting != null) {
      env.put(DaemonEnv.REGISTRY_LOGIN, setting);
    }
    return DaemonConfig.fromEnvironment(env).registryLogin();
  }
}
