package io.a4c.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.a4c.cli.ApiTypes.CreateWorkspaceRequest;
import io.a4c.cli.ApiTypes.RebuildWorkspaceRequest;
import io.a4c.cli.ApiTypes.Workspace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code workspaces}: create, list, get, delete, stop, start, rebuild the caller's workspaces. */
@Command(
    name = "workspaces",
    aliases = "ws",
    mixinStandardHelpOptions = true,
    description = "Your workspaces. WS is a workspace id or a name that only one of them has.",
    subcommands = {
      WorkspaceCommands.Create.class,
      WorkspaceCommands.ListCommand.class,
      WorkspaceCommands.Get.class,
      WorkspaceCommands.Delete.class,
      WorkspaceCommands.Stop.class,
      WorkspaceCommands.Start.class,
      WorkspaceCommands.Rebuild.class
    })
final class WorkspaceCommands extends A4cCli.Group {
  /** States a workspace rests in: a wait ends there, as hoped or not. */
  private static final Set<String> SETTLED = Set.of("RUNNING", "FAILED", "STOPPED");

  /** The create and rebuild steps, in order, as the progress line names them. */
  private static final List<String[]> STEPS =
      List.of(
          new String[] {"CONTAINER_CREATED", "container"},
          new String[] {"STARTED", "started"},
          new String[] {"SETUP_DONE", "setup"},
          new String[] {"IP_ASSIGNED", "address"},
          new String[] {"HOSTNAME_REGISTERED", "hostname"});

  /** The options of a command that may wait. */
  static final class WaitOptions {
    @Option(
        names = "--wait",
        description =
            "Wait until it is done, with a live progress line; Ctrl-C stops waiting, not the"
                + " request.")
    boolean wait;

    @Option(
        names = "--timeout",
        defaultValue = "PT15M",
        description = "The longest --wait waits, ISO-8601 (default ${DEFAULT-VALUE}).")
    Duration timeout;
  }

  /**
   * The progress line of a workspace: host, steps reached, state.
   *
   * @param placed whether the operation placed the workspace (a create); a stop, start, rebuild or
   *     delete happens on the host it is on
   */
  static String progressLine(Workspace w, boolean placed) {
    var parts = new ArrayList<String>();
    parts.add((placed ? "placed on " : "on ") + w.hostId());
    int reached = -1;
    for (int i = 0; i < STEPS.size(); i++) {
      if (STEPS.get(i)[0].equals(w.step())) {
        reached = i;
      }
    }
    boolean walking = Set.of("CREATING", "REBUILDING", "STARTING", "RUNNING").contains(w.state());
    for (int i = 0; walking && i <= reached; i++) {
      parts.add(STEPS.get(i)[1]);
    }
    parts.add(w.state());
    return String.join(" → ", parts);
  }

  /**
   * Waits until workspace {@code id} is in {@code target} (or gone, for {@code "DELETED"}), showing
   * its progress; answers its last JSON (null once gone). A workspace that settles in another state
   * (FAILED, or STOPPED after a start that did not happen) is a {@link ExitCodes#FAILED} error with
   * its reason. Paced by {@link Polling}: often at first, and patient with a busy API.
   *
   * @param placed whether the request placed the workspace on its host (a create)
   */
  static JsonNode await(
      Context context,
      Api api,
      String id,
      String target,
      Duration timeout,
      String doing,
      boolean placed) {
    try (var progress =
        new Progress(
            context, doing + " goes on without you: `a4c-cli workspaces get " + id + "` looks")) {
      int busy = 0;
      while (true) {
        var reply = api.exchange("GET", Workspaces.path(id), null);
        if (Polling.busy(reply)) {
          Polling.waitOut(progress, reply, ++busy, timeout, "workspace " + id);
          continue;
        }
        busy = 0;
        if (reply.status() == 404 && target.equals("DELETED")) {
          progress.show("deleted");
          return null;
        }
        if (reply.status() >= 400) {
          throw api.failure("GET", Workspaces.path(id), reply);
        }
        var workspace = reply.as(Workspace.class);
        progress.show(progressLine(workspace, placed));
        if (workspace.state().equals(target)) {
          return reply.json();
        }
        if (SETTLED.contains(workspace.state()) && !target.equals("DELETED")) {
          throw new CliException(
              ExitCodes.FAILED,
              "workspace "
                  + id
                  + " is "
                  + workspace.state()
                  + (workspace.reason() == null ? "" : ": " + workspace.reason()));
        }
        if (progress.over(timeout)) {
          throw new CliException(
              ExitCodes.FAILED,
              "gave up waiting after "
                  + progress.elapsed()
                  + ": workspace "
                  + id
                  + " is "
                  + workspace.state());
        }
        Progress.pause(Polling.next(progress.waited()));
      }
    }
  }

  /** Prints one workspace: all it says, and how to connect when it runs. */
  static void describe(Context context, Workspace w) {
    var out = context.out();
    out.println(w.workspaceId() + (w.name() == null ? "" : " (" + w.name() + ")"));
    out.println("  state:    " + w.state() + (w.step() == null ? "" : " (step " + w.step() + ")"));
    if (w.reason() != null) {
      out.println("  reason:   " + w.reason());
    }
    if (w.stoppedReason() != null) {
      out.println("  stopped:  by " + w.stoppedReason());
    }
    out.println("  project:  " + w.projectName() + " " + w.parentName() + " " + w.arch());
    out.println("  change:   " + w.change());
    out.println(
        "  host:     "
            + w.hostId()
            + (Boolean.FALSE.equals(w.hostReachable()) ? " (not reachable: DOWN)" : ""));
    out.println("  hostname: " + w.hostname());
    if (w.ip() != null) {
      out.println("  ip:       " + w.ip());
    }
    out.println("  created:  " + w.createdAt());
    if (w.ssh() != null) {
      out.println(
          "  ssh:      " + w.ssh().user() + "@" + w.ssh().host() + " port " + w.ssh().port());
      String name = w.name() != null && !w.name().contains(" ") ? w.name() : w.workspaceId();
      out.println("connect:    a4c-cli ssh " + name);
    } else if (w.sshUnavailable() != null) {
      out.println("  no ssh:   " + w.sshUnavailable());
    }
  }

  /** {@code workspaces create}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a workspace of PROJECT (202: it is placed, then built up on its host).")
  static final class Create implements Runnable {
    private final Context context;
    @Mixin Common common;
    @Mixin WaitOptions waiting;

    @Parameters(index = "0", paramLabel = "PROJECT", description = "The project's name.")
    String project;

    @Option(
        names = "--parent",
        defaultValue = "main",
        description =
            "The stream or branch, one of the project's parents (default ${DEFAULT-VALUE}).")
    String parent;

    @Option(
        names = "--arch",
        defaultValue = "amd64",
        description = "amd64 or arm64 (default ${DEFAULT-VALUE}).")
    String arch;

    @Option(
        names = "--change",
        description = "The change whose image to run (default: the newest completed).")
    String change;

    @Option(names = "--name", description = "Your label for it; usable instead of its id.")
    String name;

    Create(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var api = common.api(context);
      var reply =
          api.sendIdempotent(
              "POST",
              Workspaces.PATH,
              new CreateWorkspaceRequest(project, parent, arch, name, change));
      var created = reply.as(Workspace.class);
      JsonNode result = reply.json();
      if (waiting.wait) {
        result =
            await(
                context,
                api,
                created.workspaceId(),
                "RUNNING",
                waiting.timeout,
                "the create of " + created.workspaceId(),
                true);
      }
      if (common.json()) {
        Common.printJson(context, result);
        return;
      }
      describe(context, Api.JSON.convertValue(result, Workspace.class));
    }
  }

  /** {@code workspaces list}. */
  @Command(
      name = "list",
      aliases = "ls",
      mixinStandardHelpOptions = true,
      description = "List your workspaces, oldest first (--json: a JSON array of them).")
  static final class ListCommand implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Option(names = "--state", description = "Only those in this state, e.g. RUNNING.")
    String state;

    ListCommand(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var raw =
          Workspaces.allJson(common.api(context)).stream()
              .filter(w -> state == null || state.equalsIgnoreCase(w.path("state").asText()))
              .toList();
      if (common.json()) {
        Common.printJson(context, raw);
        return;
      }
      var items = raw.stream().map(w -> Api.JSON.convertValue(w, Workspace.class)).toList();
      var table = Table.of("id", "name", "project", "parent", "arch", "state", "host", "ip");
      items.forEach(
          w ->
              table.row(
                  w.workspaceId(),
                  w.name(),
                  w.projectName(),
                  w.parentName(),
                  w.arch(),
                  w.state(),
                  w.hostId(),
                  w.ip()));
      table.print(context.out(), "no workspaces");
    }
  }

  /** {@code workspaces get}. */
  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one workspace.")
  static final class Get implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Parameters(paramLabel = "WS", description = "Its id, or its name.")
    String workspace;

    Get(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var api = common.api(context);
      var reply = api.get(Workspaces.path(Workspaces.resolve(api, workspace)));
      if (common.json()) {
        Common.printJson(context, reply.json());
        return;
      }
      describe(context, reply.as(Workspace.class));
    }
  }

  /** {@code workspaces delete}. */
  @Command(
      name = "delete",
      aliases = "rm",
      mixinStandardHelpOptions = true,
      description = "Delete a workspace: its container, home volume and hostname go.")
  static final class Delete implements Runnable {
    private final Context context;
    @Mixin Common common;
    @Mixin WaitOptions waiting;

    @Parameters(paramLabel = "WS", description = "Its id, or its name.")
    String workspace;

    Delete(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var api = common.api(context);
      String id = Workspaces.resolve(api, workspace);
      var reply = api.sendRepeatable("DELETE", Workspaces.path(id), null);
      if (reply.status() == 404 || waiting.wait) {
        // 404: sent again after a gateway's error, the delete had gone through and finished.
        if (reply.status() != 404) {
          await(context, api, id, "DELETED", waiting.timeout, "the delete of " + id, false);
        }
        if (common.json()) {
          Common.printJson(context, java.util.Map.of("workspaceId", id, "state", "DELETED"));
        } else {
          // After a gateway's error, a 404 says the workspace is gone, not that this delete (rather
          // than an earlier one) removed it.
          context.out().println(reply.status() == 404 ? id + " is gone" : "deleted " + id);
        }
        return;
      }
      if (common.json()) {
        Common.printJson(context, reply.json());
      } else {
        context.out().println(id + " is " + reply.json().path("state").asText());
      }
    }
  }

  /** What stop, start and rebuild share: post an action, perhaps wait for its state. */
  abstract static class Action implements Runnable {
    private final Context context;
    @Mixin Common common;
    @Mixin WaitOptions waiting;

    @Parameters(paramLabel = "WS", description = "Its id, or its name.")
    String workspace;

    Action(Context context) {
      this.context = context;
    }

    abstract String action();

    abstract String target();

    Object body() {
      return null;
    }

    /**
     * Whether a repeat of the action is harmless (stop, start), so a gateway's error is retried.
     */
    boolean repeatable() {
      return true;
    }

    @Override
    public void run() {
      var api = common.api(context);
      String id = Workspaces.resolve(api, workspace);
      String path = Workspaces.path(id) + "/" + action();
      // A stop or start repeated answers 202 with the workspace as it is; a rebuild takes a new
      // operation each time, so it is not sent again after a gateway's error.
      var reply =
          repeatable() ? api.sendRepeatable("POST", path, body()) : api.send("POST", path, body());
      JsonNode result = reply.json();
      if (waiting.wait) {
        result =
            await(
                context,
                api,
                id,
                target(),
                waiting.timeout,
                "the " + action() + " of " + id,
                false);
      }
      if (common.json()) {
        Common.printJson(context, result);
        return;
      }
      describe(context, Api.JSON.convertValue(result, Workspace.class));
    }
  }

  /** {@code workspaces stop}. */
  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stop a workspace: its container stops, its home is kept.")
  static final class Stop extends Action {
    Stop(Context context) {
      super(context);
    }

    @Override
    String action() {
      return "stop";
    }

    @Override
    String target() {
      return "STOPPED";
    }
  }

  /** {@code workspaces start}. */
  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start a stopped workspace again, the same container and home.")
  static final class Start extends Action {
    Start(Context context) {
      super(context);
    }

    @Override
    String action() {
      return "start";
    }

    @Override
    String target() {
      return "RUNNING";
    }
  }

  /** {@code workspaces rebuild}. */
  @Command(
      name = "rebuild",
      mixinStandardHelpOptions = true,
      description = "Move a workspace onto another image of its project (home and hostname kept).")
  static final class Rebuild extends Action {
    @Option(names = "--change", description = "The change to rebuild onto (default: the newest).")
    String change;

    Rebuild(Context context) {
      super(context);
    }

    @Override
    String action() {
      return "rebuild";
    }

    @Override
    String target() {
      return "RUNNING";
    }

    @Override
    Object body() {
      return new RebuildWorkspaceRequest(change);
    }

    @Override
    boolean repeatable() {
      return false;
    }
  }
}
