package io.a4c.daemon.aws;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Keeps received SQS messages hidden while this host works on them: one timer thread for the
 * command consumer and the builder alike, each held message extended every third of its visibility,
 * until its work ends or, at the latest, until a deadline (a build that overruns its own deadline
 * lets its job come back rather than hold it up to SQS's 12-hour cap). A message received again
 * while held (its visibility ran out anyway) takes the new receipt handle, which is the only one
 * SQS then honours. Thread-safe.
 */
@Singleton
public final class SqsLeases {
  private static final Logger log = LoggerFactory.getLogger(SqsLeases.class);

  /** One held message; {@link #close} stops extending it. */
  public static final class Lease implements AutoCloseable {
    private final Consumer<Message> extend;
    private final Instant until;
    private volatile Message message;
    private volatile ScheduledFuture<?> timer;
    private volatile boolean closed;

    private Lease(Message message, Consumer<Message> extend, Instant until) {
      this.message = message;
      this.extend = extend;
      this.until = until;
    }

    /** The message as last received: its receipt handle is the one to delete or extend with. */
    public Message message() {
      return message;
    }

    /** Takes a newer delivery of the same message (its receipt handle replaces the old one). */
    public void received(Message again) {
      if (!again.messageId().equals(message.messageId())) {
        throw new IllegalArgumentException("another message: " + again.messageId());
      }
      message = again;
    }

    /** Stops extending; the message is deleted or handed back by its holder. */
    @Override
    public void close() {
      closed = true;
      ScheduledFuture<?> current = timer;
      if (current != null) {
        current.cancel(false);
      }
    }

    private void tick(Clock clock) {
      if (closed) {
        return;
      }
      if (!clock.instant().isBefore(until)) {
        log.atWarn()
            .addKeyValue("messageId", message.messageId())
            .addKeyValue("until", until)
            .log("lease deadline passed: the message is no longer kept hidden");
        close();
        return;
      }
      try {
        extend.accept(message);
      } catch (RuntimeException e) {
        log.atWarn()
            .addKeyValue("messageId", message.messageId())
            .setCause(e)
            .log("visibility not extended");
      }
    }
  }

  private final Clock clock;
  private final ScheduledThreadPoolExecutor timers =
      new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("sqs-leases").factory());

  @Inject
  public SqsLeases(Clock clock) {
    this.clock = clock;
    // The thread goes away while nothing is held, so no one has to close this.
    timers.setKeepAliveTime(1, TimeUnit.MINUTES);
    timers.allowCoreThreadTimeOut(true);
    timers.setRemoveOnCancelPolicy(true);
  }

  /**
   * Holds {@code message}: calls {@code extend} (a ChangeMessageVisibility by one visibility
   * timeout) every third of {@code visibility}, until the lease is closed or {@code until} has
   * passed.
   */
  public Lease hold(Message message, Duration visibility, Instant until, Consumer<Message> extend) {
    var lease = new Lease(message, extend, until);
    long every = Math.max(1, visibility.toMillis() / 3);
    lease.timer =
        timers.scheduleAtFixedRate(() -> lease.tick(clock), every, every, TimeUnit.MILLISECONDS);
    return lease;
  }

  /** Holds {@code message} until the lease is closed. */
  public Lease hold(Message message, Duration visibility, Consumer<Message> extend) {
    return hold(message, visibility, Instant.MAX, extend);
  }
}
