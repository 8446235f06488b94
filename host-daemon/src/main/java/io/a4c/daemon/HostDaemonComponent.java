package io.a4c.daemon;

import dagger.BindsInstance;
import dagger.Component;
import io.a4c.daemon.builds.BuildWorker;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.workspaces.StepObserver;
import java.time.Clock;
import javax.inject.Singleton;

/** The object graph of one host daemon. The local runtime builds one per Docker engine. */
@Singleton
@Component(modules = DaemonModule.class)
public interface HostDaemonComponent {
  HostDaemon daemon();

  /** The builder role; {@link BuildWorker#start} does nothing unless the config enables it. */
  BuildWorker buildWorker();

  /** Builds the graph from configuration and a clock. */
  @Component.Factory
  interface Factory {
    HostDaemonComponent create(
        @BindsInstance DaemonConfig config,
        @BindsInstance Clock clock,
        @BindsInstance StepObserver observer);
  }

  /** A graph for {@code config} with the system clock. */
  static HostDaemonComponent create(DaemonConfig config) {
    return create(config, StepObserver.NONE);
  }

  /** A graph whose provisioner tells {@code observer} of each completed step (fault injection). */
  static HostDaemonComponent create(DaemonConfig config, StepObserver observer) {
    return DaggerHostDaemonComponent.factory().create(config, Clock.systemUTC(), observer);
  }
}
