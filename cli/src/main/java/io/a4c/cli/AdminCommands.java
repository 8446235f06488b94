package io.a4c.cli;

import io.a4c.cli.ApiTypes.AuditPage;
import io.a4c.cli.ApiTypes.HostList;
import io.a4c.cli.ApiTypes.HostStatusRequest;
import io.a4c.cli.ApiTypes.ProjectListing;
import io.a4c.cli.ApiTypes.ProjectListingList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The administrators' commands: {@code projects} (but {@code projects list}, anyone's), {@code
 * hosts}, {@code audit}.
 */
final class AdminCommands {
  private AdminCommands() {}

  private static String project(String name) {
    return "/v1/projects/" + Api.encode(name);
  }

  /** {@code projects}. */
  @Command(
      name = "projects",
      mixinStandardHelpOptions = true,
      description = "Projects: list them (anyone); put and get one's configuration (admin).",
      subcommands = {Projects.ListCommand.class, Projects.Put.class, Projects.Get.class})
  static final class Projects extends A4cCli.Group {
    /** {@code projects list}: what any signed-in user may create workspaces of. */
    @Command(
        name = "list",
        aliases = "ls",
        mixinStandardHelpOptions = true,
        description =
            "List projects: each parent and its newest completed image per arch (what a"
                + " workspace can be created of).")
    static final class ListCommand implements Runnable {
      private final Context context;
      @Mixin Common common;

      ListCommand(Context context) {
        this.context = context;
      }

      @Override
      public void run() {
        var reply = common.api(context).get("/v1/projects");
        if (common.json()) {
          Common.printJson(context, reply.json().get("items"));
          return;
        }
        var table = Table.of("project", "parent", "images");
        for (var p : reply.as(ProjectListingList.class).items()) {
          if (p.parents() == null || p.parents().isEmpty()) {
            table.row(p.projectName(), null, null);
            continue;
          }
          for (var parent : p.parents()) {
            List<ProjectListing.Image> images =
                parent.images() == null ? List.of() : parent.images();
            table.row(
                p.projectName(),
                parent.parentName(),
                images.isEmpty()
                    ? "none yet"
                    : String.join(
                        ", ", images.stream().map(i -> i.arch() + " at " + i.change()).toList()));
          }
        }
        table.print(context.out(), "no projects");
      }
    }

    /** {@code projects put}. */
    @Command(
        name = "put",
        mixinStandardHelpOptions = true,
        description = "Create or replace project NAME from a JSON file (see docs/openapi.yaml).")
    static final class Put implements Runnable {
      private final Context context;
      @Mixin Common common;

      @Parameters(paramLabel = "NAME", description = "The project's name.")
      String name;

      @Option(
          names = {"-f", "--file"},
          required = true,
          description = "The project's configuration, JSON (ProjectConfig).")
      Path file;

      Put(Context context) {
        this.context = context;
      }

      @Override
      public void run() {
        String body;
        try {
          body = Files.readString(file);
        } catch (IOException e) {
          throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e);
        }
        var reply = common.api(context).send("PUT", project(name), body);
        if (common.json()) {
          Common.printJson(context, reply.json());
          return;
        }
        context
            .out()
            .println((reply.status() == 201 ? "created project " : "saved project ") + name);
      }
    }

    /** {@code projects get}. */
    @Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = "Print project NAME, as JSON.")
    static final class Get implements Runnable {
      private final Context context;
      @Mixin Common common;

      @Parameters(paramLabel = "NAME", description = "The project's name.")
      String name;

      Get(Context context) {
        this.context = context;
      }

      @Override
      public void run() {
        Common.printJson(context, common.api(context).get(project(name)).json());
      }
    }
  }

  /** {@code hosts}. */
  @Command(
      name = "hosts",
      mixinStandardHelpOptions = true,
      description = "Hosts (admin).",
      subcommands = {Hosts.ListCommand.class, Hosts.Drain.class, Hosts.Activate.class})
  static final class Hosts extends A4cCli.Group {
    /** {@code hosts list}. */
    @Command(
        name = "list",
        aliases = "ls",
        mixinStandardHelpOptions = true,
        description = "List hosts: status, arch, workspaces, disk, last heartbeat.")
    static final class ListCommand implements Runnable {
      private final Context context;
      @Mixin Common common;

      ListCommand(Context context) {
        this.context = context;
      }

      @Override
      public void run() {
        var reply = common.api(context).get("/v1/hosts");
        if (common.json()) {
          Common.printJson(context, reply.json().get("items"));
          return;
        }
        var table =
            Table.of("host", "arch", "status", "workspaces", "running", "disk used", "heartbeat");
        reply
            .as(HostList.class)
            .items()
            .forEach(
                h ->
                    table.row(
                        h.hostId(),
                        h.arch(),
                        h.status(),
                        h.assignedWorkspaces() + "/" + h.capacity(),
                        h.runningWorkspaces(),
                        h.diskTotalBytes() == 0
                            ? null
                            : (100 * h.diskUsedBytes() / h.diskTotalBytes()) + "%",
                        h.lastHeartbeatAt()));
        table.print(context.out(), "no hosts");
      }
    }

    /** Sets a host's status. */
    abstract static class SetStatus implements Runnable {
      private final Context context;
      @Mixin Common common;

      @Parameters(paramLabel = "HOST", description = "The host's id.")
      String host;

      SetStatus(Context context) {
        this.context = context;
      }

      abstract String status();

      @Override
      public void run() {
        var reply =
            common
                .api(context)
                .send(
                    "PUT",
                    "/v1/hosts/" + Api.encode(host) + "/status",
                    new HostStatusRequest(status()));
        if (common.json()) {
          Common.printJson(context, reply.json());
          return;
        }
        context.out().println(host + " is " + reply.json().path("status").asText(status()));
      }
    }

    /** {@code hosts drain}. */
    @Command(
        name = "drain",
        mixinStandardHelpOptions = true,
        description = "Stop new placements on HOST (what runs there stays).")
    static final class Drain extends SetStatus {
      Drain(Context context) {
        super(context);
      }

      @Override
      String status() {
        return "DRAINING";
      }
    }

    /** {@code hosts activate}. */
    @Command(
        name = "activate",
        mixinStandardHelpOptions = true,
        description = "Let HOST take new workspaces again.")
    static final class Activate extends SetStatus {
      Activate(Context context) {
        super(context);
      }

      @Override
      String status() {
        return "ACTIVE";
      }
    }
  }

  /** {@code audit}. */
  @Command(
      name = "audit",
      mixinStandardHelpOptions = true,
      description = "The audit trail, newest first (admin).")
  static final class Audit implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Option(names = "--user", description = "Only what concerns this user id.")
    String user;

    @Option(
        names = "--limit",
        defaultValue = "50",
        description = "How many entries (1-100, default ${DEFAULT-VALUE}).")
    int limit;

    Audit(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var reply =
          common
              .api(context)
              .get(
                  "/v1/audit?limit=" + limit + (user == null ? "" : "&userId=" + Api.encode(user)));
      if (common.json()) {
        Common.printJson(context, reply.json().get("items"));
        return;
      }
      var table = Table.of("at", "action", "actor", "target", "user");
      reply
          .as(AuditPage.class)
          .items()
          .forEach(
              e ->
                  table.row(
                      e.at(),
                      e.action(),
                      e.actor() + (e.admin() ? " (admin)" : ""),
                      e.target(),
                      e.userId()));
      table.print(context.out(), "no entries");
    }
  }
}
