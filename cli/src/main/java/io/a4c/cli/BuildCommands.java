package io.a4c.cli;

import io.a4c.cli.ApiTypes.BuildLog;
import io.a4c.cli.ApiTypes.CreateImageScheduleRequest;
import io.a4c.cli.ApiTypes.ImageSchedule;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code builds}: the caller's image builds and their logs. */
@Command(
    name = "builds",
    mixinStandardHelpOptions = true,
    description = "Your image builds (image schedules). ID is a build's scheduleId (bs-…).",
    subcommands = {
      BuildCommands.Schedule.class,
      BuildCommands.ListCommand.class,
      BuildCommands.Get.class,
      BuildCommands.Log.class,
      BuildCommands.Cancel.class
    })
final class BuildCommands extends A4cCli.Group {
  private static final String PATH = "/v1/users/me/image-schedules";
  private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "CANCELLED");
  private static final Duration POLL = Duration.ofSeconds(1);

  /** A follow's timeout: none; it ends with the build, or with Ctrl-C. */
  private static final Duration FOLLOWING = ChronoUnit.FOREVER.getDuration();

  private static String path(String id) {
    return PATH + "/" + Api.encode(id);
  }

  /** Prints one build. */
  static void describe(Context context, ImageSchedule b) {
    var out = context.out();
    out.println(b.scheduleId() + (b.imageName() == null ? "" : " (" + b.imageName() + ")"));
    out.println("  status:    " + b.status() + " (attempts " + b.attempts() + ")");
    if (b.waiting() != null) {
      out.println("  waiting:   position " + b.waiting().position() + ": " + b.waiting().reason());
    }
    if (b.reason() != null) {
      out.println("  reason:    " + b.reason());
    }
    out.println(
        "  project:   "
            + b.projectName()
            + " "
            + b.parentName()
            + " "
            + b.arch()
            + (b.change() == null ? "" : " at " + b.change()));
    if (b.workerId() != null) {
      out.println("  builder:   " + b.workerId());
    }
    if (b.imageRef() != null) {
      out.println("  image:     " + b.imageRef());
    }
    out.println("  scheduled: " + b.scheduledAt());
    if (b.endedAt() != null) {
      out.println("  ended:     " + b.endedAt());
    }
  }

  /**
   * Prints the build's log as it grows, from {@code GET …/log?after=<offset>}, until the build
   * ends; while no builder has written any, says on standard error where the build waits. A build
   * started again by another builder (a new attempt) has a log of its own: said on standard error,
   * and printed from its start. A throttled or briefly unavailable API ({@link Polling#busy}) is
   * asked again later. Answers the build as it ended.
   */
  static ImageSchedule follow(Context context, Api api, String id) {
    long offset = 0;
    int attempt = 0;
    String lastWait = null;
    try (var progress =
        new Progress(
            context, "the build goes on without you: `a4c-cli builds get " + id + "` looks")) {
      int busy = 0;
      while (true) {
        String logPath = path(id) + "/log?after=" + offset;
        var reply = api.exchange("GET", logPath, null);
        if (Polling.busy(reply)) {
          Polling.waitOut(progress, reply, ++busy, FOLLOWING, "build " + id);
          lastWait = null; // the busy line replaced it
          continue;
        }
        if (reply.status() == 404) {
          // A busy answer to the build's read counts on from the log's: the pauses grow.
          var build = schedule(api, progress, id, busy + 1);
          if (build == null) {
            busy++;
            lastWait = null; // the busy line replaced it
            continue;
          }
          busy = 0;
          if (ENDED.contains(build.status())) {
            return build;
          }
          String wait =
              build.waiting() == null
                  ? build.status()
                  : "waiting at position "
                      + build.waiting().position()
                      + ": "
                      + build.waiting().reason();
          if (!wait.equals(lastWait)) {
            progress.show(wait);
            lastWait = wait;
          }
        } else if (reply.status() >= 400) {
          throw api.failure("GET", logPath, reply);
        } else {
          busy = 0;
          var log = reply.as(BuildLog.class);
          if (attempt != 0 && log.attempt() != attempt) {
            // Handed to another builder: its attempt's log starts over; read it from its start.
            context
                .err()
                .println("--- the build started again (attempt " + log.attempt() + ") ---");
            context.err().flush();
            attempt = log.attempt();
            if (offset != 0) {
              offset = 0;
              continue;
            }
          }
          attempt = log.attempt();
          if (!log.log().isEmpty()) {
            context.out().print(log.log());
            context.out().flush();
          }
          offset = log.nextOffset();
          if (log.ended()) {
            ImageSchedule ended;
            int tries = 0;
            while ((ended = schedule(api, progress, id, ++tries)) == null) {
              // asked again after the busy answer's pause
            }
            return ended;
          }
        }
        Progress.pause(POLL);
      }
    }
  }

  /**
   * The build, for a follow; null after a busy answer, the {@code inARow}-th in a row (said on the
   * progress line and paused for, {@link Polling}), to be asked again.
   */
  private static ImageSchedule schedule(Api api, Progress progress, String id, int inARow) {
    var reply = api.exchange("GET", path(id), null);
    if (Polling.busy(reply)) {
      Polling.waitOut(progress, reply, inARow, FOLLOWING, "build " + id);
      return null;
    }
    if (reply.status() >= 400) {
      throw api.failure("GET", path(id), reply);
    }
    return reply.as(ImageSchedule.class);
  }

  /** The end of a followed build: a line on standard error, and FAILED unless it completed. */
  static void ended(Context context, ImageSchedule build) {
    String line =
        "build "
            + build.scheduleId()
            + " "
            + build.status()
            + (build.imageRef() == null ? "" : ": " + build.imageRef())
            + (build.reason() == null ? "" : ": " + build.reason());
    if (!"COMPLETED".equals(build.status())) {
      throw new CliException(ExitCodes.FAILED, line);
    }
    context.err().println(line);
    context.err().flush();
  }

  /** {@code builds schedule}. */
  @Command(
      name = "schedule",
      mixinStandardHelpOptions = true,
      description = "Schedule a build of PROJECT at CHANGE (a git revision or Perforce change).")
  static final class Schedule implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Parameters(index = "0", paramLabel = "PROJECT", description = "The project's name.")
    String project;

    @Parameters(index = "1", paramLabel = "CHANGE", description = "The change to build.")
    String change;

    @Option(
        names = "--parent",
        description = "The stream or branch (default: the project's first).")
    String parent;

    @Option(names = "--arch", description = "amd64 or arm64 (default amd64).")
    String arch;

    @Option(names = "--image-name", description = "Your label for the image (default: PROJECT).")
    String imageName;

    @Option(
        names = "--follow",
        description =
            "Print the build's log as it runs, until it ends (its id goes to standard error).")
    boolean follow;

    Schedule(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var api = common.api(context);
      var reply =
          api.send(
              "POST",
              PATH,
              new CreateImageScheduleRequest(
                  imageName == null ? project : imageName, project, change, parent, arch));
      var build = reply.as(ImageSchedule.class);
      if (common.json() && !follow) {
        Common.printJson(context, reply.json());
        return;
      }
      if (follow) {
        // Standard output is the log alone; the id goes with the progress, on standard error.
        context.err().println("scheduled " + build.scheduleId() + " (" + build.status() + ")");
        ended(context, follow(context, api, build.scheduleId()));
      } else {
        context.out().println(build.scheduleId());
      }
    }
  }

  /** {@code builds list}. */
  @Command(
      name = "list",
      aliases = "ls",
      mixinStandardHelpOptions = true,
      description = "List your builds, oldest first.")
  static final class ListCommand implements Runnable {
    private final Context context;
    @Mixin Common common;

    ListCommand(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var api = common.api(context);
      var raw = api.allItems(PATH);
      if (common.json()) {
        Common.printJson(context, raw);
        return;
      }
      var items = raw.stream().map(b -> Api.JSON.convertValue(b, ImageSchedule.class)).toList();
      var table = Table.of("id", "project", "parent", "arch", "change", "status", "scheduled");
      items.forEach(
          b ->
              table.row(
                  b.scheduleId(),
                  b.projectName(),
                  b.parentName(),
                  b.arch(),
                  b.change(),
                  b.status(),
                  b.scheduledAt()));
      table.print(context.out(), "no builds");
    }
  }

  /** {@code builds get}. */
  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Show a build: status, and while it waits, its position and why.")
  static final class Get implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Parameters(paramLabel = "ID", description = "The build's id.")
    String id;

    Get(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var reply = common.api(context).get(path(id));
      if (common.json()) {
        Common.printJson(context, reply.json());
        return;
      }
      describe(context, reply.as(ImageSchedule.class));
    }
  }

  /** {@code builds log}. */
  @Command(
      name = "log",
      mixinStandardHelpOptions = true,
      description = "Print a build's log; --follow prints it as the build runs, until it ends.")
  static final class Log implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Parameters(paramLabel = "ID", description = "The build's id.")
    String id;

    @Option(
        names = {"-f", "--follow"},
        description = "Keep printing new lines until the build ends.")
    boolean follow;

    Log(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var api = common.api(context);
      if (follow) {
        ended(context, follow(context, api, id));
        return;
      }
      var reply = api.get(path(id) + "/log");
      if (common.json()) {
        Common.printJson(context, reply.json());
        return;
      }
      context.out().print(reply.as(BuildLog.class).log());
      context.out().flush();
    }
  }

  /** {@code builds cancel}. */
  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancel a build no builder has taken yet.")
  static final class Cancel implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Parameters(paramLabel = "ID", description = "The build's id.")
    String id;

    Cancel(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var reply = common.api(context).send("DELETE", path(id), null);
      if (common.json()) {
        Common.printJson(context, reply.json());
        return;
      }
      context.out().println(id + " is " + reply.json().path("status").asText());
    }
  }
}
