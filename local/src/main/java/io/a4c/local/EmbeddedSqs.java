package io.a4c.local;

import io.a4c.local.embedded.FreePorts;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * ElasticMQ (SQS-compatible, FIFO queues included) in this process, its queues and messages kept in
 * an H2 file under the data directory ({@link QueueStore}), so a crash of the runtime loses no
 * queued command, host event or build job: on start the queues come back with their messages, and a
 * message a consumer had received comes back once its visibility timeout runs out, as in SQS.
 *
 * <p>ElasticMQ's SQL store writes through one connection pool per JVM (scalikejdbc's singleton). So
 * one runtime per JVM holds the durable store at a time; another one started alongside it in the
 * same JVM (tests only) keeps its queues in memory, and says so in the log.
 */
final class EmbeddedSqs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedSqs.class);

  /** The instance holding the JVM's connection pool, or null. */
  private static EmbeddedSqs storeHolder;

  private final ActorSystem actors;
  private final SQSRestServer server;
  private final int port;
  private final boolean durable;

  private EmbeddedSqs(ActorSystem actors, SQSRestServer server, int port, boolean durable) {
    this.actors = actors;
    this.server = server;
    this.port = port;
    this.durable = durable;
  }

  /**
   * Starts it on {@code port} (0: a free one), restoring the queues and messages stored under
   * {@code storeDirectory}.
   */
  static EmbeddedSqs start(int port, Path storeDirectory) throws Exception {
    int chosen = port == 0 ? FreePorts.pick() : port;
    ActorSystem actors = ActorSystem.create("elasticmq");
    synchronized (EmbeddedSqs.class) {
      boolean durable = storeHolder == null;
      EmbeddedSqs sqs = null;
      try {
        QueueStore store = durable ? QueueStore.open(actors, storeDirectory) : null;
        ActorRef manager =
            actors.actorOf(
                Props.create(
                    QueueManagerActor.class,
                    () ->
                        new QueueManagerActor(
                            new NowProvider(),
                            StrictSQSLimits$.MODULE$,
                            Option.apply(store == null ? null : store.listener()))));
        if (store != null) {
          // Before anyone can create a queue: a queue restored later would miss what came first.
          store.restore(actors, manager);
        }
        SQSRestServer server =
            SQSRestServerBuilder.withActorSystem(actors)
                .withQueueManagerActor(manager)
                .withInterface("127.0.0.1")
                .withPort(chosen)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", chosen, ""))
                .start();
        sqs = new EmbeddedSqs(actors, server, chosen, durable);
        server.waitUntilStarted();
      } catch (Exception | Error e) {
        if (sqs != null) {
          sqs.close();
        }
        if (durable) {
          QueueStore.closePool();
        }
        actors.terminate();
        throw e;
      }
      if (durable) {
        storeHolder = sqs;
      } else {
        log.atWarn()
            .addKeyValue("storeDirectory", storeDirectory)
            .log(
                "another local runtime in this JVM holds the durable queue store: this one keeps"
                    + " its queues in memory");
      }
      return sqs;
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Whether its queues outlive the process (false only beside another runtime in this JVM). */
  boolean durable() {
    return durable;
  }

  @Override
  public void close() {
    try {
      server.stopAndWait();
    } finally {
      actors.terminate();
      try {
        actors.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.atWarn().setCause(e).log("ElasticMQ's actors did not stop in time");
      }
      synchronized (EmbeddedSqs.class) {
        if (storeHolder == this) {
          storeHolder = null;
          QueueStore.closePool();
        }
      }
    }
  }
}
