package io.a4c.functions;

import dagger.BindsInstance;
import dagger.Component;
import io.a4c.functions.admin.AdminApi;
import io.a4c.functions.aws.AwsModule;
import io.a4c.functions.builds.BuildClaimDoor;
import io.a4c.functions.builds.BuildDeadLetters;
import io.a4c.functions.builds.ImageSchedulesApi;
import io.a4c.functions.builds.RecurringBuilds;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dns.DnsModule;
import io.a4c.functions.hostevents.HostEventsConsumer;
import io.a4c.functions.priming.SnapStartPriming;
import io.a4c.functions.workspaces.WorkspacesApi;
import java.time.Clock;
import java.util.Map;
import javax.inject.Singleton;

/**
 * The object graph of every function. Each Lambda entry point builds it once in its constructor and
 * takes the one collaborator it needs; Dagger creates only what that collaborator uses.
 */
@Singleton
@Component(modules = {AwsModule.class, FunctionsModule.class, DnsModule.class})
public interface FunctionsComponent {
  WorkspacesApi workspacesApi();

  AdminApi adminApi();

  HostEventsConsumer hostEventsConsumer();

  io.a4c.functions.sweeper.Sweeper sweeper();

  ImageSchedulesApi imageSchedulesApi();

  io.a4c.functions.sshkeys.SshKeysApi sshKeysApi();

  BuildClaimDoor buildClaimDoor();

  BuildDeadLetters buildDeadLetters();

  RecurringBuilds recurringBuilds();

  /** The configuration the graph was built with. */
  FunctionsConfig config();

  /** SnapStart priming: each Lambda entry point registers itself with it. */
  SnapStartPriming priming();

  /** Builds the graph from configuration and a clock. */
  @Component.Factory
  interface Factory {
    FunctionsComponent create(@BindsInstance FunctionsConfig config, @BindsInstance Clock clock);
  }

  /** The graph for a Lambda entry point: configuration from the environment, the system clock. */
  static FunctionsComponent fromEnvironment(Map<String, String> env) {
    return create(FunctionsConfig.fromEnvironment(env), Clock.systemUTC());
  }

  /** The graph for the given configuration and clock (the local runtime, tests). */
  static FunctionsComponent create(FunctionsConfig config, Clock clock) {
    return DaggerFunctionsComponent.factory().create(config, clock);
  }
}
