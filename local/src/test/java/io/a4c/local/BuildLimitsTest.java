package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A build's steps run with the builder's CPU weight and memory ceiling ({@code
 * A4C_BUILD_CPU_SHARES}, {@code A4C_BUILD_MEMORY_MB}): a step reads its own cgroup, on the real
 * engine, and prints it into the build's log.
 */
@ExtendWith(SharedRuntime.class)
class BuildLimitsTest {
  /** Prints the step's cgroup limits, from cgroup v2's files or else v1's. */
  private static final String READ_LIMITS =
      "if [ -f /sys/fs/cgroup/memory.max ]; then"
          + " echo limits v2 memory=$(cat /sys/fs/cgroup/memory.max)"
          + " cpu=$(cat /sys/fs/cgroup/cpu.weight);"
          + " else echo limits v1 memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
          + " cpu=$(cat /sys/fs/cgroup/cpu/cpu.shares); fi";

  private static final Pattern LIMITS =
      Pattern.compile("limits (v[12]) memory=(\\d+|max) cpu=(\\d+)");

  @Test
  void aBuildStepRunsUnderTheBuildersCpuWeightAndMemoryCeiling(ApiClient api, LocalRuntime runtime)
      throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "limits\n").substring(0, 12);
    String project = scenario.createGitProject("limits", repo, READ_LIMITS);
    String grace = scenario.user("grace");

    String id = scenario.scheduleBuild(grace, project, change).at("/scheduleId");
    scenario.awaitBuild(grace, id, "COMPLETED");
    String log =
        api.get("/v1/users/" + grace + "/image-schedules/" + id + "/log", api.tokenOf(grace))
            .at("/log");

    var settings = runtime.config().daemonSettings();
    long shares =
        Long.parseLong(
            settings.getOrDefault(
                DaemonEnv.BUILD_CPU_SHARES,
                Integer.toString(DaemonConfig.Builder.DEFAULT_CPU_SHARES)));
    long memoryMb =
        Long.parseLong(
            settings.getOrDefault(
                DaemonEnv.BUILD_MEMORY_MB,
                Integer.toString(DaemonConfig.Builder.DEFAULT_MEMORY_MB)));
    // The RUN line is in the log too, but only the printed line has numbers after the names.
    var printed = LIMITS.matcher(log);
    assertThat(printed.find()).as(log).isTrue();
    assertThat(printed.group(2)).as(log).isEqualTo(Long.toString(memoryMb * 1024 * 1024));
    if (printed.group(1).equals("v1")) {
      assertThat(printed.group(3)).as(log).isEqualTo(Long.toString(shares));
    } else {
      // cgroup v2 holds a weight, converted from the shares as runc does.
      assertThat(printed.group(3))
          .as(log)
          .isEqualTo(Long.toString(1 + (shares - 2) * 9999 / 262142));
    }
  }
}
