package io.a4c.local.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.a4c.events.HostQueues;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.local.LocalEmulators;
import io.a4c.local.bench.coldstart.FirstEvent;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Cold start of each Lambda function, measured as fresh JVMs that hold only the functions' shaded
 * jar: process start → first event handled, against Dynoxide and ElasticMQ started here (no Docker
 * engine needed). Each case runs {@code runs} times plain and {@code runs} times primed,
 * alternating, and reports medians in ms.
 *
 * <ul>
 *   <li><b>plain</b>: what a Lambda cold start without SnapStart does — JVM start, construct the
 *       entry class (Lambda's init: the Dagger graph, logging, the SDK clients), decode the event,
 *       handle it.
 *   <li><b>primed</b>: the same, but between construction and the event the child runs what a
 *       SnapStart snapshot runs ({@code org.crac.Core.checkpointRestore()} through a stand-in CRaC
 *       implementation: GC, every registered {@code beforeCheckpoint}, every {@code afterRestore}).
 *       The first event after that is what a restored snapshot has left to do; restoring the
 *       snapshot itself cannot be measured here.
 * </ul>
 *
 * <p>Child JVMs run with the Lambda java runtimes' flags ({@code -XX:+UseSerialGC
 * -XX:TieredStopAtLevel=1 -Xshare:auto}) on this process's JDK. The state is seeded first with the
 * functions themselves (a project, a COMPLETED image, a fresh heartbeat of host h1 and its FIFO
 * command queue), so every first event succeeds for real: a child whose response is not the
 * expected one fails the benchmark, which makes it a check of the shaded jar too.
 *
 * <p>{@code java -cp local/target/a4c-local.jar io.a4c.local.bench.ColdStartBenchmark [functions
 * jar ...] [runs] [--plain-only] [--class-log DIR]} (defaults {@code
 * functions/target/a4c-functions.jar}, 10); {@code --plain-only} measures a jar that has no
 * priming, e.g. an older build. Given several jars, each case runs on each jar in turn (A, B, A, B,
 * ...; each round starts with the next jar) against the same engines, so a busy machine slows them
 * alike, and the report ends with their sums side by side. {@code --class-log DIR} writes each
 * child's {@code -Xlog:class+load} there (it slows the children: use it for counts, not for times).
 */
public final class ColdStartBenchmark {
  private static final String FIXTURES = "/bench/coldstart/";
  private static final String HOST_QUEUE_PREFIX = "a4c-bench-host-";
  private static final String CRAC_STAND_IN = "io.a4c.local.bench.coldstart.crac";
  private static final List<String> CHILD_CLASSES =
      List.of(
          "io/a4c/local/bench/coldstart/FirstEvent.class",
          "io/a4c/local/bench/coldstart/crac/Core.class",
          "io/a4c/local/bench/coldstart/crac/Context.class",
          "io/a4c/local/bench/coldstart/crac/Resource.class",
          "io/a4c/local/bench/coldstart/crac/CheckpointException.class",
          "io/a4c/local/bench/coldstart/crac/RestoreException.class");

  /** One function and the first event it gets. */
  record Case(String name, String handler, String kind, String event, String expected) {}

  /** Entry classes that moved, and where an older jar has them: the case still compares. */
  private static final Map<String, String> FORMER_HANDLERS =
      Map.of(
          "io.a4c.functions.hostevents.HostEventsFunction",
          "io.a4c.functions.hosts.HostEventsFunction");

  /** What the command line asks for. */
  record Options(List<Path> jars, int runs, boolean plainOnly, Path classLog) {
    static Options parse(String[] args) {
      List<Path> jars = new ArrayList<>();
      int runs = 10;
      boolean plainOnly = false;
      Path classLog = null;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--plain-only")) {
          plainOnly = true;
        } else if (arg.equals("--class-log")) {
          classLog = Path.of(args[++i]).toAbsolutePath();
        } else if (arg.matches("\\d+")) {
          runs = Integer.parseInt(arg);
        } else {
          jars.add(Path.of(arg).toAbsolutePath());
        }
      }
      if (jars.isEmpty()) {
        jars.add(Path.of("functions/target/a4c-functions.jar").toAbsolutePath());
      }
      return new Options(List.copyOf(jars), runs, plainOnly, classLog);
    }
  }

  static final List<Case> CASES =
      List.of(
          new Case(
              "workspaces API: POST create",
              "io.a4c.functions.workspaces.WorkspacesApiFunction",
              "api",
              "create-workspace.json",
              "status=202"),
          new Case(
              "workspaces API: GET list",
              "io.a4c.functions.workspaces.WorkspacesApiFunction",
              "api",
              "list-workspaces.json",
              "status=200"),
          new Case(
              "admin API: GET /v1/hosts",
              "io.a4c.functions.admin.AdminApiFunction",
              "api",
              "list-hosts.json",
              "status=200"),
          new Case(
              "host events: heartbeat",
              "io.a4c.functions.hostevents.HostEventsFunction",
              "sqs",
              "heartbeat.json",
              "failures=0"),
          new Case(
              "image-schedules API: GET list",
              "io.a4c.functions.builds.ImageSchedulesApiFunction",
              "api",
              "list-image-schedules.json",
              "status=200"),
          new Case(
              "SSH keys API: PUT a new key",
              "io.a4c.functions.sshkeys.SshKeysApiFunction",
              "api",
              "put-ssh-key.json",
              "status=201"),
          new Case(
              "recurring builds: scheduled tick",
              "io.a4c.functions.builds.RecurringBuildsFunction",
              "map",
              "scheduled.json",
              "response=Tick["),
          new Case(
              "sweeper: scheduled event",
              "io.a4c.functions.sweeper.SweeperFunction",
              "map",
              "scheduled.json",
              "response=Result[hostsMarkedDown=0, workspacesRedriven=0, workspacesFailed=0,"
                  + " workspacesDeletedWithoutHost=0, buildJobsResent=0, buildLeasesExpired=0,"
                  + " expiryWarnings=0, workspacesExpired=0, poolMembersFilled=0,"
                  + " poolMembersDrained=0, keySyncsResent=0, buildEmailsSent=0]"),
          new Case(
              "build claim: a claim (refused: no such build)",
              "io.a4c.functions.builds.BuildClaimFunction",
              "stream",
              "build-claim.json",
              "response={\"version\":1,\"granted\":false"),
          new Case(
              "build dead letters: a dead-lettered job",
              "io.a4c.functions.builds.BuildDeadLettersFunction",
              "sqs",
              "dead-lettered-build.json",
              "failures=0"));

  /** The child's stamps, in ms from the moment before the process was started. */
  record Run(
      double main, double constructed, double restored, double decoded, double done, double cpu) {
    /** Lambda's "Init Duration": JVM and runtime start, entry class constructed. */
    double init() {
      return constructed;
    }

    double priming() {
      return restored - constructed;
    }

    double decode() {
      return decoded - restored;
    }

    double handle() {
      return done - decoded;
    }
  }

  private ColdStartBenchmark() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    for (Path jar : options.jars()) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException(
            "no functions jar at " + jar + "; build it: mvn -B -pl functions -am package");
      }
    }
    if (options.classLog() != null) {
      Files.createDirectories(options.classLog());
    }
    System.setProperty("logback.configurationFile", "logback-local.xml");
    Path work = Files.createTempDirectory("a4c-coldstart");
    try (var emulators = LocalEmulators.start(work)) {
      Map<String, String> env = new HashMap<>(emulators.functionsEnvironment(HOST_QUEUE_PREFIX));
      // The runs take minutes; the seeded heartbeat must stay a placement candidate throughout.
      env.put(FunctionsEnv.HOST_STALE_AFTER_SECONDS, "86400");
      // ... and the sweeper case must neither mark the host DOWN nor re-drive the created
      // workspaces.
      env.put(FunctionsEnv.HOST_HEARTBEAT_SECONDS, "86400");
      env.put(FunctionsEnv.STUCK_AFTER_SECONDS, "86400");
      seed(emulators, env);
      Path classes = childClasses(work.resolve("child-classes"));

      String loadBefore = loadAverage();
      List<Jar> jars = new ArrayList<>();
      for (Path jar : options.jars()) {
        jars.add(new Jar(jar, handlersIn(jar)));
      }
      int run = 0;
      for (int i = 0; i < options.runs(); i++) {
        for (Case c : CASES) {
          // Interleaved jar by jar, so a moment of load on the machine falls on all of them; each
          // round starts with the next jar, so none is always first after another case.
          for (int j = 0; j < jars.size(); j++) {
            Jar jar = jars.get((i + j) % jars.size());
            String handler = jar.handlers().get(c);
            if (handler == null) {
              continue;
            }
            Child child =
                new Child(c, handler, jar.path(), classes, env, work, options.classLog(), run++);
            jar.plain().computeIfAbsent(c, k -> new ArrayList<>()).add(child.run(false));
            if (!options.plainOnly()) {
              jar.primed()
                  .computeIfAbsent(c, k -> new ArrayList<>())
                  .add(
                      new Child(c, handler, jar.path(), classes, env, work, null, run++).run(true));
            }
          }
        }
        System.out.printf("round %d of %d done%n", i + 1, options.runs());
      }
      for (Jar jar : jars) {
        report(jar, options.runs());
      }
      if (jars.size() > 1) {
        compare(jars, options.runs());
      }
      System.out.printf(
          "%nload average (1, 5, 15 min) before: %s, after: %s%n", loadBefore, loadAverage());
    } finally {
      deleteTree(work);
    }
  }

  /** One jar under measurement: its entry class for each case, and its runs so far. */
  private record Jar(
      Path path,
      Map<Case, String> handlers,
      Map<Case, List<Run>> plain,
      Map<Case, List<Run>> primed) {
    Jar(Path path, Map<Case, String> handlers) {
      this(path, handlers, new LinkedHashMap<>(), new LinkedHashMap<>());
    }
  }

  private static void seed(LocalEmulators emulators, Map<String, String> env) throws IOException {
    try (var sqs = emulators.sqsClient()) {
      sqs.createQueue(
          b ->
              b.queueName(HostQueues.commandQueueName(HOST_QUEUE_PREFIX, "h1"))
                  .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")));
    }
    var functions =
        FunctionsComponent.create(FunctionsConfig.fromEnvironment(env), Clock.systemUTC());
    expect(functions.adminApi().handle(apiEvent("put-project.json", 0)), 200, "put-project");
    expect(functions.adminApi().handle(apiEvent("register-image.json", 0)), 201, "register-image");
    var beat =
        functions
            .hostEventsConsumer()
            .handle(json().readValue(fixture("heartbeat.json", 0), SQSEvent.class));
    if (!beat.getBatchItemFailures().isEmpty()) {
      throw new IllegalStateException("seeding the heartbeat failed");
    }
  }

  /**
   * The entry class of each case the jar holds, under its present name or a former one (an older
   * jar may predate a function, or hold it in another package).
   */
  private static Map<Case, String> handlersIn(Path jar) throws IOException {
    try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
      Map<Case, String> handlers = new LinkedHashMap<>();
      for (Case c : CASES) {
        String former = FORMER_HANDLERS.get(c.handler());
        if (zip.getEntry(c.handler().replace('.', '/') + ".class") != null) {
          handlers.put(c, c.handler());
        } else if (former != null && zip.getEntry(former.replace('.', '/') + ".class") != null) {
          handlers.put(c, former);
        } else {
          System.out.println("skipped, not in " + jar.getFileName() + ": " + c.handler());
        }
      }
      return handlers;
    }
  }

  private static APIGatewayV2HTTPEvent apiEvent(String name, int run) throws IOException {
    return json().readValue(fixture(name, run), APIGatewayV2HTTPEvent.class);
  }

  private static void expect(APIGatewayV2HTTPResponse response, int status, String step) {
    if (response.getStatusCode() != status) {
      throw new IllegalStateException(
          step + " answered " + response.getStatusCode() + ": " + response.getBody());
    }
  }

  private static ObjectMapper json() {
    return JsonMapper.builder()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES, true)
        .build();
  }

  /**
   * A fixture with its placeholders filled: {@code {{run}}} and {@code {{now}}}. Each create is by
   * a user of its own ({@code bench-user-<run>}), so the per-user workspace quota never answers.
   */
  private static String fixture(String name, int run) throws IOException {
    try (InputStream in = ColdStartBenchmark.class.getResourceAsStream(FIXTURES + name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + FIXTURES + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("{{run}}", Integer.toString(run))
          .replace("{{now}}", Instant.now().toString());
    }
  }

  /**
   * Copies the child's few classes out of this class path, so the child sees nothing else of it.
   */
  private static Path childClasses(Path dir) throws IOException {
    for (String name : CHILD_CLASSES) {
      try (InputStream in = ColdStartBenchmark.class.getResourceAsStream("/" + name)) {
        if (in == null) {
          throw new IllegalStateException("missing class " + name);
        }
        Path target = dir.resolve(name);
        Files.createDirectories(target.getParent());
        Files.copy(in, target);
      }
    }
    return dir;
  }

  /** One fresh JVM that constructs a case's entry class from one jar and handles its event. */
  private record Child(
      Case c,
      String handler,
      Path jar,
      Path classes,
      Map<String, String> env,
      Path work,
      Path classLog,
      int number) {
    Run run(boolean prime) throws Exception {
      Path event = work.resolve("event-" + number + ".json");
      Files.writeString(event, fixture(c.event(), number));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      var command =
          new ArrayList<>(
              List.of(
                  java,
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-Xshare:auto",
                  "-Djava.net.preferIPv4Stack=true",
                  "-Dorg.crac.Core.Compat=" + CRAC_STAND_IN));
      if (classLog != null) {
        String name = jar.getFileName() + "-" + CASES.indexOf(c) + "-" + number + ".log";
        command.add("-Xlog:class+load:file=" + classLog.resolve(name));
      }
      command.addAll(
          List.of(
              "-cp",
              jar + File.pathSeparator + classes,
              FirstEvent.class.getName(),
              handler,
              c.kind(),
              event.toString(),
              prime ? "primed" : "plain"));
      var builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      long start = System.nanoTime();
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      String result =
          output
              .lines()
              .filter(line -> line.startsWith(FirstEvent.RESULT + " "))
              .findFirst()
              .orElse(null);
      if (exit != 0 || result == null || !result.contains(" " + c.expected())) {
        throw new IllegalStateException(
            c.name()
                + (prime ? " (primed)" : "")
                + ": exit "
                + exit
                + ", expected "
                + c.expected()
                + "; output:\n"
                + output);
      }
      Map<String, String> stamps = new HashMap<>();
      for (String part : result.split(" ")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          stamps.put(part.substring(0, eq), part.substring(eq + 1));
        }
      }
      if (prime && Integer.parseInt(stamps.get("primedResources")) < 1) {
        throw new IllegalStateException(
            c.name() + ": no priming resource was registered and alive at the checkpoint");
      }
      Files.delete(event);
      return new Run(
          ms(stamps, "main", start),
          ms(stamps, "constructed", start),
          ms(stamps, "restored", start),
          ms(stamps, "decoded", start),
          ms(stamps, "done", start),
          Double.parseDouble(stamps.get("cpuMs")));
    }
  }

  /** The machine's load average, when it tells: other work on the machine slows every figure. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static double ms(Map<String, String> stamps, String key, long start) {
    return (Long.parseLong(stamps.get(key)) - start) / 1e6;
  }

  private static void report(Jar jar, int runs) throws IOException {
    System.out.println();
    System.out.printf(
        "functions jar: %s, %,d bytes; %s %s; median of %d fresh JVMs, ms%n",
        jar.path(),
        Files.size(jar.path()),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        runs);
    System.out.println();
    System.out.println(
        "| function: first event | JVM start → main | init: process start → handler constructed | decode event | handle event | **plain: process start → first event handled** | plain: CPU, all threads | priming (before snapshot) | primed: decode | **primed: handle event after restore** |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (Case c : jar.plain().keySet()) {
      List<Run> p = jar.plain().get(c);
      List<Run> q = jar.primed().getOrDefault(c, List.of());
      System.out.printf(
          "| %s | %.0f | %.0f | %.0f | %.0f | **%.0f** | %.0f | %.0f | %.0f | **%.0f** |%n",
          c.name(),
          median(p, Run::main),
          median(p, Run::init),
          median(p, Run::decode),
          median(p, Run::handle),
          median(p, Run::done),
          median(p, Run::cpu),
          median(q, Run::priming),
          median(q, Run::decode),
          median(q, Run::handle));
    }
  }

  /**
   * The jars side by side (the first is the reference): each case's medians of init, plain total
   * and CPU, and their sums over the cases every jar has.
   */
  private static void compare(List<Jar> jars, int runs) {
    List<Case> common =
        CASES.stream().filter(c -> jars.stream().allMatch(j -> j.plain().containsKey(c))).toList();
    System.out.println();
    System.out.printf(
        "interleaved, median of %d per jar, ms; jars: %s%n",
        runs, jars.stream().map(j -> j.path().toString()).toList());
    System.out.println();
    System.out.println("| function: first event | init | **plain total** | CPU |");
    System.out.println("|---|---|---|---|");
    double[][] sums = new double[jars.size()][3];
    for (Case c : common) {
      List<String> init = new ArrayList<>();
      List<String> total = new ArrayList<>();
      List<String> cpu = new ArrayList<>();
      for (int j = 0; j < jars.size(); j++) {
        List<Run> p = jars.get(j).plain().get(c);
        double[] medians = {median(p, Run::init), median(p, Run::done), median(p, Run::cpu)};
        for (int k = 0; k < 3; k++) {
          sums[j][k] += medians[k];
        }
        init.add(String.format("%.0f", medians[0]));
        total.add(String.format("%.0f", medians[1]));
        cpu.add(String.format("%.0f", medians[2]));
      }
      System.out.printf(
          "| %s | %s | **%s** | %s |%n",
          c.name(), String.join(" / ", init), String.join(" / ", total), String.join(" / ", cpu));
    }
    System.out.printf("%nsummed over the %d functions every jar has:%n", common.size());
    String[] what = {"init", "plain total", "CPU"};
    for (int k = 0; k < 3; k++) {
      StringBuilder line = new StringBuilder(String.format("  %-11s %,.0f", what[k], sums[0][k]));
      for (int j = 1; j < jars.size(); j++) {
        line.append(
            String.format(" → %,.0f (%+.1f %%)", sums[j][k], 100 * (sums[j][k] / sums[0][k] - 1)));
      }
      System.out.println(line);
    }
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
    double[] values = runs.stream().mapToDouble(value).toArray();
    if (values.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(values);
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
