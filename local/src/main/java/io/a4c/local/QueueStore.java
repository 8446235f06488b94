package io.a4c.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.QueueAlreadyExists;
import org.elasticmq.actor.queue.InternalMessage;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.msg.CreateQueue;
import org.elasticmq.msg.RestoreMessages;
import org.elasticmq.persistence.CreateQueueMetadata;
import org.elasticmq.persistence.CreateQueueMetadata$;
import org.elasticmq.persistence.sql.DB;
import org.elasticmq.persistence.sql.MessageRepository;
import org.elasticmq.persistence.sql.QueueRepository;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import scala.collection.immutable.List$;
import scala.jdk.javaapi.CollectionConverters;
import scala.util.Either;
import scala.util.Left;

/**
 * ElasticMQ's SQL store for the local queues: an H2 file ({@code <dir>/queues.mv.db}) that
 * ElasticMQ writes every queue and message change to, and what restores them at start.
 *
 * <p>The restore is done here rather than by ElasticMQ's own (1.6.11 and 1.7.1 alike): that one
 * brings FIFO messages back as standard ones, so they come back ordered by next delivery, and a
 * received command then lets the next one of its message group overtake it. Here each message comes
 * back as its queue's kind, in the order it was sent.
 */
final class QueueStore {
  private static final Duration WAIT = Duration.ofMinutes(1);

  private final ActorRef actor;
  private final DB db;

  private QueueStore(ActorRef actor, DB db) {
    this.actor = actor;
    this.db = db;
  }

  /**
   * Opens the file under {@code directory} and starts the actor that writes to it. ElasticMQ's
   * store writes through scalikejdbc's JVM-wide connection pool, pointed here at this file.
   */
  static QueueStore open(ActorSystem actors, Path directory) throws Exception {
    Files.createDirectories(directory);
    // WRITE_DELAY=0: every commit reaches the file before SendMessage answers, so a kill -9 right
    // after a 202 loses nothing. DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook must not close
    // the file under the runtime's orderly close.
    String uri =
        "jdbc:h2:file:"
            + directory.toAbsolutePath().resolve("queues")
            + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    var config = new SqlQueuePersistenceConfig(true, "org.h2.Driver", uri, "", "", false);
    Class.forName(config.driverClass());
    // ElasticMQ sets the pool only the first time in a JVM; point it at this runtime's file.
    scalikejdbc.ConnectionPool$.MODULE$.singleton(
        uri,
        "",
        "",
        scalikejdbc.ConnectionPool$.MODULE$.singleton$default$4(),
        scalikejdbc.Commons2ConnectionPoolFactory$.MODULE$);
    ActorRef actor =
        actors.actorOf(Props.create(RetryingStore.class, () -> new RetryingStore(config)));
    return new QueueStore(actor, new DB(config));
  }

  /** The actor ElasticMQ's queue manager reports every change to. */
  ActorRef listener() {
    return actor;
  }

  /** Brings back every stored queue through {@code manager}, each with its messages. */
  void restore(ActorSystem actors, ActorRef manager) throws Exception {
    // The store learns the stored queues' names only from a restore of its own; one against a
    // manager that creates nothing teaches it them and leaves the restoring to the code below.
    ActorRef createsNothing = actors.actorOf(Props.create(CreatesNothing.class));
    try {
      ask(actor, new QueueEvent.Restore(createsNothing));
    } finally {
      actors.stop(createsNothing);
    }
    var stored =
        CreateQueueMetadata$.MODULE$.mergePersistedAndBaseQueues(
            new QueueRepository(db).findAll(), List$.MODULE$.empty());
    for (CreateQueueMetadata queue : CollectionConverters.asJava(stored)) {
      var created = (Either<?, ?>) ask(manager, new CreateQueue(queue.toCreateQueueData()));
      if (created.isLeft()) {
        throw new IllegalStateException(
            "stored queue " + queue.name() + " could not be restored: " + created.left().get());
      }
      ActorRef queueActor = (ActorRef) created.toOption().get();
      var messages = inSendingOrder(new MessageRepository(queue.name(), db).findAll(), queue);
      ask(queueActor, new RestoreMessages(CollectionConverters.asScala(messages).toList()));
    }
  }

  private static List<InternalMessage> inSendingOrder(
      scala.collection.immutable.List<InternalMessage> stored, CreateQueueMetadata queue) {
    var messages = new ArrayList<>(CollectionConverters.asJava(stored));
    messages.sort(
        Comparator.comparing(InternalMessage::created)
            .thenComparing(m -> sequence(m.sequenceNumber())));
    List<InternalMessage> restored = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      InternalMessage m = messages.get(i);
      restored.add(
          new InternalMessage(
              m.id(),
              m.deliveryReceipts(),
              m.nextDelivery(),
              m.content(),
              m.messageAttributes(),
              m.created(),
              i,
              m.firstReceive(),
              m.receiveCount(),
              queue.isFifo(),
              m.messageGroupId(),
              m.messageDeduplicationId(),
              m.tracingId(),
              m.sequenceNumber(),
              m.deadLetterSourceQueueName()));
    }
    return restored;
  }

  private static java.math.BigInteger sequence(scala.Option<String> number) {
    try {
      return number.isDefined()
          ? new java.math.BigInteger(number.get())
          : java.math.BigInteger.ZERO;
    } catch (NumberFormatException e) {
      return java.math.BigInteger.ZERO;
    }
  }

  private static Object ask(ActorRef target, Object message) throws Exception {
    return Patterns.ask(target, message, WAIT)
        .toCompletableFuture()
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Closes the JVM-wide pool (the file closes with its last connection). */
  static void closePool() {
    scalikejdbc.ConnectionPool$.MODULE$.closeAll();
  }

  /**
   * ElasticMQ's store, which tries a message's write again when reading the message failed.
   *
   * <p>A queue actor hands the store the live message it keeps, and goes on receiving it: a receive
   * appends a delivery receipt to the message's buffer while the store turns that buffer into JSON
   * on its own thread. Under a burst the store then reads a half-grown buffer (a null receipt:
   * spray-json's "requirement failed"; ElasticMQ 1.6.11 to 1.6.16 alike) and throws. ElasticMQ's
   * store would be restarted, and a restarted store has forgotten its queues: it then answers every
   * later change as stored and stores none of them, for the rest of the run — and the change that
   * failed is never answered, so its sender waits 21 s. The failure happens while the message is
   * read, before anything is written, and passes once the queue actor's append is done: here the
   * change is tried again (after 1, 2, 4, 8 and 16 ms), and a change that still fails is logged and
   * dropped without a restart.
   */
  public static final class RetryingStore extends SqlQueuePersistenceActor {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(QueueStore.class);
    static final int ATTEMPTS = 6;

    public RetryingStore(SqlQueuePersistenceConfig config) {
      super(config, List$.MODULE$.empty());
    }

    @Override
    public void aroundReceive(
        scala.PartialFunction<Object, scala.runtime.BoxedUnit> receive, Object message) {
      if (!(message instanceof QueueEvent.MessageAdded
          || message instanceof QueueEvent.MessageUpdated)) {
        super.aroundReceive(receive, message);
        return;
      }
      int[] tries = {0};
      var failure =
          tryRepeatedly(
              () -> {
                tries[0]++;
                super.aroundReceive(receive, message);
              },
              ATTEMPTS,
              Thread::sleep);
      if (failure == null && tries[0] > 1) {
        log.atInfo().log("a queue change stored on try {} (ElasticMQ's receipts race)", tries[0]);
      }
      if (failure != null) {
        log.atError()
            .setCause(failure)
            .log("a queue change was not stored after {} tries; the store goes on", ATTEMPTS);
      }
    }

    /** Sleeps {@code millis}. */
    interface Pause {
      void sleep(long millis) throws InterruptedException;
    }

    /**
     * Runs {@code change} until it does not throw, at most {@code attempts} times, pausing 1, 2, 4…
     * ms between tries.
     *
     * @return null when a try passed; else the last failure (or the interruption)
     */
    static RuntimeException tryRepeatedly(Runnable change, int attempts, Pause pause) {
      for (int attempt = 1; ; attempt++) {
        try {
          change.run();
          return null;
        } catch (RuntimeException e) {
          if (attempt >= attempts) {
            return e;
          }
          try {
            pause.sleep(1L << (attempt - 1));
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return e;
          }
        }
      }
    }
  }

  /** A queue manager that refuses every queue: see {@link #restore}. */
  public static final class CreatesNothing extends AbstractActor {
    public CreatesNothing() {}

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchAny(
              m ->
                  getSender()
                      .tell(
                          Left.apply(new QueueAlreadyExists("restored by QueueStore")), getSelf()))
          .build();
    }
  }
}
