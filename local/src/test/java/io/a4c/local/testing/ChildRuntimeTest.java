package io.a4c.local.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class whose every test gets a {@link ChildRuntime} of its own, started with {@link
 * #settings()} on a fresh data directory, with the shared runtime released first (two runtimes on
 * the same engines would reconcile away each other's containers). After each test the runtime is
 * closed and the containers of the users made through {@link #user} are removed.
 */
public abstract class ChildRuntimeTest {
  @TempDir protected Path dataDir;

  protected ChildRuntime runtime;
  protected Fleet fleet;
  private final List<String> users = new ArrayList<>();

  /** The runtime's settings ({@code LocalEnv} names) for this class's tests. */
  protected abstract Map<String, String> settings();

  @BeforeAll
  static void haveTheEnginesToOurselves() {
    SharedRuntime.release();
  }

  @BeforeEach
  void startRuntime() {
    runtime = ChildRuntime.on(dataDir, settings());
    runtime.start();
    fleet = runtime.fleet();
  }

  @AfterEach
  void stopRuntime() {
    try {
      runtime.close();
      fleet.removeContainersOf(users);
    } finally {
      fleet.close();
    }
  }

  /** A new user of the scenario, {@code name} made unique, whose containers go after the test. */
  protected String user(Scenario scenario, String name) {
    String user = scenario.user(name);
    users.add(user);
    return user;
  }
}
