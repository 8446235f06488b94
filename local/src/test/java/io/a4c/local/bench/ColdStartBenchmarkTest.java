package io.a4c.local.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * One round of the cold-start benchmark against the shaded functions jar: every function's entry
 * class constructs in a fresh JVM that holds only that jar, primes, and answers its first event as
 * expected. Catches a jar that lost a class the minimizer thought unused, an event type the jar
 * cannot load, or a fixture the functions no longer accept. Times are reported, never asserted.
 *
 * <p>Needs {@code functions/target/a4c-functions.jar}, which {@code ./a4c test} (mvn verify) builds
 * before this module's tests; skipped when a narrower build did not make it.
 */
class ColdStartBenchmarkTest {
  private static final Path JAR = Path.of("../functions/target/a4c-functions.jar");

  @Test
  void everyFunctionAnswersItsFirstEventFromTheShadedJarPlainAndPrimed() throws Exception {
    assumeTrue(
        Files.isRegularFile(JAR), "no shaded functions jar; run the reactor through package");
    assertThat(ColdStartBenchmark.CASES)
        .extracting(ColdStartBenchmark.Case::handler)
        .contains(
            "io.a4c.functions.workspaces.WorkspacesApiFunction",
            "io.a4c.functions.admin.AdminApiFunction",
            "io.a4c.functions.hostevents.HostEventsFunction",
            "io.a4c.functions.builds.ImageSchedulesApiFunction",
            "io.a4c.functions.sshkeys.SshKeysApiFunction",
            "io.a4c.functions.builds.RecurringBuildsFunction",
            "io.a4c.functions.sweeper.SweeperFunction",
            "io.a4c.functions.builds.BuildClaimFunction",
            "io.a4c.functions.builds.BuildDeadLettersFunction");

    ColdStartBenchmark.main(new String[] {JAR.toAbsolutePath().toString(), "1"});
  }
}
