package io.a4c.daemon.builds;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.github.dockerjava.api.DockerClient;
import io.a4c.daemon.aws.HostEventPublisher;
import io.a4c.daemon.aws.SqsLeases;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.events.Arch;
import io.a4c.events.BuildClaim;
import io.a4c.events.BuildEnded;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildLogUpdate;
import io.a4c.events.BuildMessage;
import io.a4c.events.BuilderStatus;
import io.a4c.events.EventJson;
import io.a4c.events.Redaction;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A host's builder role: takes jobs from the build queue of its engine's arch (and no other), at
 * most {@code concurrency} at once, claims each through the build-claim function and runs only what
 * it was granted, extends the job's visibility while building (the heartbeat that keeps other
 * builders off it), reports the end on the host-events queue, then deletes the job. A job refused
 * (someone else holds it, or it ended or was cancelled) is deleted unrun; a job that cannot be read
 * (fields of a later release are ignored, but not a kind or version it does not know) is handed
 * back until the queue parks it in the build dead-letter queue; a job that hit a transient failure
 * is handed back. Its status, every heartbeat, lists the builds it holds: that keeps their claims'
 * leases. If the builder dies (or gives a build up), the job's visibility runs out and another
 * builder's later delivery takes the claim over once the lease ran out, or the functions send the
 * job again. It also reports its own status, so waiting builds can say why they wait. A report
 * carries the attempt the claim's answer gave.
 */
@Singleton
public final class BuildWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BuildWorker.class);
  private static final Duration RETRY_DELAY = Duration.ofSeconds(10);

  /** How often a running build's log is shipped while it grows. */
  static final Duration LOG_INTERVAL = Duration.ofSeconds(2);

  /** One build in hand, stoppable. */
  private static final class Running {
    final Thread thread;
    final List<Closeable> streams = new CopyOnWriteArrayList<>();
    volatile SqsLeases.Lease keepAlive;
    volatile boolean abandoned;
    volatile String scheduleId;

    Running(Thread thread) {
      this.thread = thread;
    }
  }

  private final DaemonConfig.Builder settings;
  private final String hostId;
  private final BuildQueue queue;
  private final BuildClaims claims;
  private final BuildRunner runner;
  private final HostEventPublisher events;
  private final SqsLeases leases;
  private final DockerClient docker;
  private final ObjectReader jobs;
  private final Clock clock;
  private final Duration statusInterval;
  private final BitSet busySlots = new BitSet();
  private final Set<Running> running = ConcurrentHashMap.newKeySet();
  private final AtomicInteger claimsRefused = new AtomicInteger();
  private final AtomicInteger buildsRun = new AtomicInteger();
  private ScheduledExecutorService timers;
  private volatile boolean accepting;
  private volatile boolean stopped = true;
  private volatile Arch arch;
  private volatile int generation;
  private volatile boolean receiving;
  private Thread loop;

  @Inject
  public BuildWorker(
      DaemonConfig config,
      BuildQueue queue,
      BuildClaims claims,
      BuildRunner runner,
      HostEventPublisher events,
      SqsLeases leases,
      DockerClient docker,
      ObjectMapper json,
      Clock clock) {
    this.settings = config.builder();
    this.hostId = config.hostId();
    this.queue = queue;
    this.claims = claims;
    this.runner = runner;
    this.events = events;
    this.leases = leases;
    this.docker = docker;
    this.jobs = EventJson.messageReader(json, BuildMessage.class);
    this.clock = clock;
    this.statusInterval = config.heartbeatInterval();
  }

  /**
   * Starts taking jobs from the build queue of the engine's arch, if this host is a builder; a
   * no-op otherwise or when running.
   *
   * @throws IllegalStateException naming the variable, when no build queue of that arch is
   *     configured
   */
  public synchronized void start() {
    if (!settings.enabled() || !stopped) {
      return;
    }
    arch = Arch.parse(docker.infoCmd().exec().getArchitecture());
    queue.open(arch);
    stopped = false;
    accepting = true;
    timers =
        Executors.newScheduledThreadPool(
            1, Thread.ofPlatform().daemon().name("builder-timers-" + hostId).factory());
    timers.scheduleAtFixedRate(
        this::reportStatus, 0, statusInterval.toMillis(), TimeUnit.MILLISECONDS);
    int current = ++generation;
    loop = Thread.ofPlatform().daemon().name("builder-" + hostId).start(() -> takeJobs(current));
    log.atInfo()
        .addKeyValue("hostId", hostId)
        .addKeyValue("arch", arch.wireName())
        .addKeyValue("concurrency", settings.concurrency())
        .log("builder started");
  }

  /** Stops taking new jobs, and returns once no receive is in flight; builds in hand go on. */
  public void pause() throws InterruptedException {
    accepting = false;
    long deadline = System.nanoTime() + queue.pollWait().plusSeconds(5).toNanos();
    while (receiving && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    reportStatus();
  }

  /** Takes jobs again after {@link #pause}. */
  public void resume() {
    accepting = true;
    reportStatus();
  }

  /**
   * Stops as a crash would: no new jobs, builds in hand abandoned (their engine streams closed, no
   * report, no delete, no more visibility extensions), so their jobs come back to other builders
   * once their visibility runs out. {@link #start} brings the builder back.
   */
  public synchronized void kill() {
    stopped = true;
    accepting = false;
    for (Running build : running) {
      build.abandoned = true;
      if (build.keepAlive != null) {
        build.keepAlive.close();
      }
      build.streams.forEach(DockerImageBuilder::closeQuietly);
      build.thread.interrupt();
    }
    if (timers != null) {
      timers.shutdownNow();
    }
    if (loop != null) {
      loop.interrupt();
    }
    log.atWarn()
        .addKeyValue("hostId", hostId)
        .addKeyValue("abandoned", running.size())
        .log("builder killed");
  }

  /** Builds running now. */
  public int runningBuilds() {
    return running.size();
  }

  /** Claims this builder was refused (duplicates it dropped), since it was made. */
  public int claimsRefused() {
    return claimsRefused.get();
  }

  /** Builds this builder ran to a report, since it was made. */
  public int buildsRun() {
    return buildsRun.get();
  }

  @Override
  public void close() {
    kill();
  }

  private void takeJobs(int current) {
    while (!stopped && generation == current) {
      try {
        int free = freeSlots();
        if (!accepting || free == 0) {
          Thread.sleep(100);
          continue;
        }
        List<Message> messages;
        receiving = true;
        try {
          if (!accepting) {
            continue;
          }
          messages = queue.receive(free);
        } finally {
          receiving = false;
        }
        for (Message message : messages) {
          int slot = takeSlot();
          // A platform thread per build: docker-java's Unix-socket reads are native calls that
          // would pin a virtual thread's carrier for the whole build, starving every other
          // virtual thread of the process (the local runtime's API among them).
          Thread.ofPlatform()
              .daemon()
              .name("build-" + hostId + "/" + slot)
              .start(() -> handle(message, slot));
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (!stopped) {
          log.atWarn()
              .addKeyValue("hostId", hostId)
              .setCause(e)
              .log("build queue poll failed; retrying");
          try {
            Thread.sleep(1000);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }
  }

  private void handle(Message message, int slot) {
    var build = new Running(Thread.currentThread());
    running.add(build);
    String workerId = hostId + "/" + slot;
    try {
      BuildJob job;
      try {
        job = (BuildJob) jobs.readValue(message.body());
      } catch (IOException | IllegalArgumentException e) {
        // A later release's job, or garbage: handed back, it runs out of receives and lands in
        // the build dead-letter queue, where it waits (alarmed) rather than being lost.
        log.atError()
            .addKeyValue("messageId", message.messageId())
            .setCause(e)
            .log("unreadable build job handed back for the dead-letter queue");
        queue.release(message, Duration.ZERO);
        return;
      }
      if (job.arch() != arch) {
        // A safety net only: each arch has its own queue, so a job of another arch here was put
        // on the wrong queue (by hand, or a redrive to the wrong one). Handed back, it runs out of
        // receives and its build fails through the dead-letter queue, rather than wait unseen.
        log.atWarn()
            .addKeyValue("scheduleId", job.scheduleId())
            .addKeyValue("arch", job.arch().wireName())
            .log("a job of another arch on this builder's queue; handed back");
        queue.release(message, Duration.ZERO);
        return;
      }
      int receiveCount = BuildQueue.receiveCount(message);
      // Listed in this builder's status from before the claim, so that no status sent after the
      // claim leaves out a build it holds (which would end its lease).
      build.scheduleId = job.scheduleId();
      var answer =
          claims.claim(
              BuildClaim.of(job.scheduleId(), job.userId(), hostId, workerId, receiveCount));
      if (build.abandoned) {
        return;
      }
      if (!answer.granted()) {
        claimsRefused.incrementAndGet();
        log.atInfo()
            .addKeyValue("scheduleId", job.scheduleId())
            .addKeyValue("workerId", workerId)
            .log("claim refused ({}); job dropped", answer.reason());
        queue.delete(message);
        return;
      }
      // The attempt the store assigned is the fencing token the report carries (a function from
      // before assigned attempts answers none: the receive count was the attempt then).
      int attempt = answer.attempt() != null ? answer.attempt() : receiveCount;
      // Held no longer than the build may take: a build past its deadline lets its job come back
      // (or reach the dead-letter queue) instead of holding it up to SQS's 12-hour cap.
      build.keepAlive =
          leases.hold(
              message, queue.visibility(), clock.instant().plus(runner.deadline()), queue::extend);
      BuildEnded report;
      var live = new LiveLog(job, workerId, attempt);
      ScheduledFuture<?> shipping =
          timers.scheduleWithFixedDelay(
              live::ship, LOG_INTERVAL.toMillis(), LOG_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
      try {
        report = runner.run(job, workerId, attempt, build.streams::add, live::attach);
      } catch (BuildFailure e) {
        if (!build.abandoned) {
          log.atWarn()
              .addKeyValue("scheduleId", job.scheduleId())
              .addKeyValue("workerId", workerId)
              .log(
                  "build hit a transient failure; handing it back: {}",
                  Redaction.text(e.getMessage(), job.spec().source().url()));
          build.keepAlive.close();
          // Given up: the next status leaves it out, which ends this claim's lease, so the job's
          // next delivery may take the build over.
          running.remove(build);
          reportStatus();
          queue.release(build.keepAlive.message(), RETRY_DELAY);
        }
        return;
      } finally {
        shipping.cancel(false);
      }
      build.keepAlive.close();
      if (build.abandoned) {
        return;
      }
      events.publish(report);
      queue.delete(build.keepAlive.message());
      buildsRun.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (!build.abandoned) {
        log.atWarn()
            .addKeyValue("messageId", message.messageId())
            .addKeyValue("workerId", workerId)
            .setCause(e)
            .log("build job not handled; it will come back");
      }
    } finally {
      if (build.keepAlive != null) {
        build.keepAlive.close();
      }
      running.remove(build);
      freeSlot(slot);
    }
  }

  /**
   * A running build's log, shipped as {@link BuildLogUpdate}s on the host-events queue every {@link
   * #LOG_INTERVAL} while it grows, so that its owner can follow it before the build ends. Each
   * update carries the output's last {@link BuildLogUpdate#WINDOW_BYTES} and where they start in it
   * (the whole log comes with the end's report); a failed send is only logged, the next one carries
   * the window again.
   */
  private final class LiveLog {
    private final BuildJob job;
    private final String workerId;
    private final int attempt;
    private volatile BuildLog buildLog;
    private long sent = -1;
    private long seq;

    LiveLog(BuildJob job, String workerId, int attempt) {
      this.job = job;
      this.workerId = workerId;
      this.attempt = attempt;
    }

    void attach(BuildLog buildLog) {
      this.buildLog = buildLog;
    }

    void ship() {
      var current = buildLog;
      if (current == null || current.written() == sent) {
        return;
      }
      long written = current.written();
      try {
        var window = current.window(BuildLogUpdate.WINDOW_BYTES);
        events.publish(
            BuildLogUpdate.window(
                hostId,
                job.scheduleId(),
                job.userId(),
                workerId,
                attempt,
                ++seq,
                window.text(),
                window.from(),
                clock.instant()));
        sent = written;
      } catch (RuntimeException e) {
        log.atWarn()
            .addKeyValue("scheduleId", job.scheduleId())
            .setCause(e)
            .log("build log update not sent; the next one carries it");
      }
    }
  }

  private void reportStatus() {
    if (arch == null) {
      return;
    }
    try {
      events.publish(
          BuilderStatus.of(
              hostId,
              arch,
              settings.concurrency(),
              running.stream().map(b -> b.scheduleId).filter(Objects::nonNull).sorted().toList(),
              accepting && !stopped,
              clock.instant()));
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("hostId", hostId).setCause(e).log("builder status not sent");
    }
  }

  private synchronized int freeSlots() {
    return settings.concurrency() - busySlots.cardinality();
  }

  private synchronized int takeSlot() {
    int slot = busySlots.nextClearBit(0);
    busySlots.set(slot);
    return slot;
  }

  private synchronized void freeSlot(int slot) {
    busySlots.clear(slot);
  }
}
