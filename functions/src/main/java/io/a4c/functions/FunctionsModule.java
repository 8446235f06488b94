package io.a4c.functions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.a4c.events.EventJson;
import io.a4c.functions.sshkeys.KeySetChanges;
import io.a4c.functions.workspaces.IdGenerator;
import io.a4c.functions.workspaces.TimeOrderedIds;
import io.a4c.functions.workspaces.WorkspaceKeySync;
import javax.inject.Singleton;

/** Bindings of the functions that are not constructor-injected classes of ours. */
@Module
public interface FunctionsModule {
  @Binds
  IdGenerator ids(TimeOrderedIds ids);

  /** Key changes reach workspaces through the workspaces package (sshkeys may not depend on it). */
  @Binds
  KeySetChanges keySetChanges(WorkspaceKeySync sync);

  @Provides
  @Singleton
  static ObjectMapper json() {
    return EventJson.newMapper();
  }
}
