package io.a4c.daemon.images;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Image;
import io.a4c.daemon.config.DaemonConfig;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's images, listed again only when they may have changed. Listing them is the costliest
 * question the daemon asks its engine on a schedule: dockerd works out every image's size, about
 * 0.6 ms of its CPU per image, so a host holding 400 images paid 0.24 s of engine CPU for each
 * heartbeat and again for each image collection — with the tests' beat and collection every second,
 * half a core per engine.
 *
 * <p>The engine announces changes to its images as image events (pull, tag, untag, delete, import,
 * load; a build's result is tagged), so this keeps the last listing while its event stream is open
 * and has brought nothing since, and lists again otherwise: after an event, before the stream
 * opens, while it is broken (it is opened again after {@link #REOPEN_AFTER}), and when the listing
 * is older than {@link #MAX_AGE}. That bound also covers what no image event announces (an untagged
 * build, a {@code docker commit}) and an event lost in transit. The stream asks for the events
 * since a second before it opened, so one that happened while it was opening is replayed from the
 * engine's buffer, not missed. One stream at a time: each ends once, and only the current one opens
 * the next. Thread-safe; without {@link #start} it lists every time.
 */
@Singleton
public final class EngineImages implements AutoCloseable {
  /** The oldest a listing is answered from. */
  public static final Duration MAX_AGE = Duration.ofSeconds(60);

  /** How long a broken event stream waits before it is opened again. */
  static final Duration REOPEN_AFTER = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(EngineImages.class);

  private final DockerClient docker;
  private final Clock clock;
  private final String hostId;

  /**
   * Counts image events and stream openings and ends: a listing taken at another count is stale.
   */
  private final AtomicLong changes = new AtomicLong();

  private final Object lock = new Object();
  private Watch current; // guarded by lock
  private boolean closed; // guarded by lock
  private volatile boolean watching;
  private volatile Listing last;

  private record Listing(List<Image> images, long changes, Instant at) {}

  @Inject
  public EngineImages(DockerClient docker, Clock clock, DaemonConfig config) {
    this.docker = docker;
    this.clock = clock;
    this.hostId = config.hostId();
  }

  /** Opens the engine's image event stream; until it is open, {@link #list} lists every time. */
  public void start() {
    open();
  }

  /** The engine's images: the last listing when nothing can have changed since, else a new one. */
  public List<Image> list() {
    long seen = changes.get();
    Listing known = last;
    if (watching && known != null && known.changes() == seen && young(known)) {
      return known.images();
    }
    // Counted before asking: an event that arrives while the engine answers makes this listing
    // stale at once, whether or not the answer already shows it.
    var images = List.copyOf(docker.listImagesCmd().exec());
    last = new Listing(images, seen, clock.instant());
    return images;
  }

  /** Younger than the max age (a clock set back counts as old). */
  private boolean young(Listing listing) {
    Duration age = Duration.between(listing.at(), clock.instant());
    return !age.isNegative() && age.compareTo(MAX_AGE) < 0;
  }

  private void open() {
    Watch watch;
    synchronized (lock) {
      if (closed) {
        return;
      }
      watch = new Watch();
      current = watch;
    }
    try {
      docker
          .eventsCmd()
          .withEventTypeFilter(EventType.IMAGE)
          .withSince(Long.toString(clock.instant().getEpochSecond() - 1))
          .exec(watch);
    } catch (RuntimeException e) {
      watch.onError(e);
    }
  }

  /**
   * One opening of the stream (closing it closes the stream, which the adapter keeps). docker-java
   * may end it twice (an error, then completion).
   */
  private final class Watch extends ResultCallback.Adapter<Event> {
    private final AtomicBoolean ended = new AtomicBoolean();

    @Override
    public void onStart(Closeable opened) {
      super.onStart(opened);
      synchronized (lock) {
        if (closed || current != this || ended.get()) {
          quietly(this);
          return;
        }
        changes.incrementAndGet();
        watching = true;
      }
    }

    @Override
    public void onNext(Event event) {
      changes.incrementAndGet();
    }

    @Override
    public void onError(Throwable failure) {
      ended(failure);
    }

    @Override
    public void onComplete() {
      ended(null);
    }

    private void ended(Throwable failure) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      boolean wasOpen;
      synchronized (lock) {
        if (current != this) {
          return;
        }
        wasOpen = watching;
        watching = false;
        changes.incrementAndGet();
        if (closed) {
          return;
        }
      }
      // Said once per break, not once per second while the engine is away.
      (wasOpen ? log.atWarn() : log.atDebug())
          .addKeyValue("hostId", hostId)
          .setCause(failure)
          .log("image event stream ended; images are listed on every ask until it reopens");
      Thread.ofVirtual()
          .name("image-events-" + hostId)
          .start(
              () -> {
                try {
                  Thread.sleep(REOPEN_AFTER.toMillis());
                  open();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
    }
  }

  @Override
  public void close() {
    Watch open;
    synchronized (lock) {
      closed = true;
      watching = false;
      open = current;
    }
    if (open != null) {
      quietly(open);
    }
  }

  private static void quietly(Closeable open) {
    try {
      open.close();
    } catch (IOException e) {
      // closing: nothing left to do with it
    }
  }
}
