package io.a4c.functions.priming;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart priming: before Lambda snapshots a function's initialised JVM, run its handler on
 * synthetic events so the snapshot already holds loaded classes, compiled code, Jackson's
 * serialisers, the SDK's marshallers and the handler's code paths — work every restored instance
 * would otherwise repeat on its first event.
 *
 * <p>An entry point registers once, from its no-arg constructor (the one Lambda calls):
 *
 * <pre>{@code
 * graph.priming().register(this, PrimingEvents::workspacesApi);
 * }</pre>
 *
 * <p>While priming, every AWS call made on the priming thread is answered offline by {@link
 * PrimingHttpClient} with an empty success, signed with dummy credentials by {@link
 * PrimingCredentials}: nothing reaches AWS, no connection is open and no credential is fetched when
 * the snapshot is taken, so nothing of one instance is shared by all restored ones. No id made
 * while priming is kept (the one command id drawn goes to the offline answer), and the default
 * {@code SecureRandom} behind ids reads the kernel's entropy on every call, so restored instances
 * do not repeat each other. Without SnapStart (plain Lambda, the local runtime, tests) nothing
 * calls the hook and registration costs nothing.
 *
 * <p>Priming never fails the snapshot: a failed event is logged and the next one runs. Thread-safe.
 */
@Singleton
public final class SnapStartPriming {
  private static final Logger log = LoggerFactory.getLogger(SnapStartPriming.class);

  /**
   * CRaC contexts hold resources weakly (the JDK's, Lambda's and {@code org.crac}'s own wrapper),
   * so a resource only they reference is collected before the snapshot and never runs. These live
   * as long as the process, as a snapshot hook must; one per registered entry point.
   */
  private static final Set<Resource> REGISTERED = ConcurrentHashMap.newKeySet();

  /**
   * The run of {@link #prime} the thread belongs to, if any. Inherited, as a handler's parallel
   * reads ({@code dynamo.Parallel}) run on threads it starts; shared, not copied, so a thread that
   * outlives the run (a pool's thread started while priming) is priming no longer once it ends.
   */
  private final ThreadLocal<Run> priming = new InheritableThreadLocal<>();

  /** One run of {@link #prime}: its thread, and the threads started during it, are priming. */
  private static final class Run {
    volatile boolean active = true;
  }

  @Inject
  public SnapStartPriming() {}

  /**
   * Registers a snapshot hook that runs {@code handler} on each of the {@code events}, in order.
   *
   * @param handler the entry point, fully constructed
   * @param events synthetic events that touch no real data (see {@link PrimingEvents}); asked for
   *     only when a snapshot is taken
   */
  public <I> void register(RequestHandler<I, ?> handler, Supplier<List<I>> events) {
    var hook = new Hook<>(handler, events);
    REGISTERED.add(hook);
    Core.getGlobalContext().register(hook);
  }

  /**
   * Registers a snapshot hook for a stream handler: each event is the bytes of one request.
   *
   * @see #register(RequestHandler, Supplier)
   */
  public void register(RequestStreamHandler handler, Supplier<List<byte[]>> events) {
    register(bytes(handler), events);
  }

  /** A stream handler as a handler of byte arrays: the request's bytes in, the response's out. */
  static RequestHandler<byte[], byte[]> bytes(RequestStreamHandler handler) {
    return new RequestHandler<>() {
      @Override
      public byte[] handleRequest(byte[] input, Context context) {
        var output = new ByteArrayOutputStream();
        try {
          handler.handleRequest(new ByteArrayInputStream(input), output, context);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return output.toByteArray();
      }

      @Override
      public String toString() {
        return handler.getClass().getName();
      }
    };
  }

  /**
   * Runs {@code handler} on each event with AWS answered offline; what the snapshot hook does.
   *
   * @return how many events threw (a handler that maps failures to responses never throws)
   */
  public <I> int prime(RequestHandler<I, ?> handler, List<I> events) {
    long start = System.nanoTime();
    int failed = 0;
    var run = new Run();
    priming.set(run);
    try {
      for (I event : events) {
        try {
          handler.handleRequest(event, PrimingContext.INSTANCE);
        } catch (RuntimeException e) {
          failed++;
          log.atWarn()
              .addKeyValue("handler", name(handler))
              .setCause(e)
              .log("priming event failed");
        }
      }
    } finally {
      run.active = false;
      priming.remove();
    }
    log.atInfo()
        .addKeyValue("handler", name(handler))
        .addKeyValue("events", events.size())
        .addKeyValue("failed", failed)
        .addKeyValue("ms", (System.nanoTime() - start) / 1_000_000)
        .log("primed before snapshot");
    return failed;
  }

  private static String name(Object handler) {
    return handler.getClass().isAnonymousClass()
        ? handler.toString()
        : handler.getClass().getName();
  }

  /** Whether the current thread is priming: its AWS calls must not leave the process. */
  boolean isPriming() {
    Run run = priming.get();
    return run != null && run.active;
  }

  /** The CRaC resource of one entry point. */
  private final class Hook<I> implements Resource {
    private final RequestHandler<I, ?> handler;
    private final Supplier<List<I>> events;

    Hook(RequestHandler<I, ?> handler, Supplier<List<I>> events) {
      this.handler = handler;
      this.events = events;
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
      try {
        prime(handler, events.get());
      } catch (RuntimeException | Error e) {
        // A failed priming must not cost the snapshot: restored instances are merely colder.
        log.atWarn().addKeyValue("handler", name(handler)).setCause(e).log("priming failed");
      }
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {}
  }

  /** The Lambda context handlers see while priming. */
  private enum PrimingContext implements Context {
    INSTANCE;

    @Override
    public String getAwsRequestId() {
      return "priming";
    }

    @Override
    public String getLogGroupName() {
      return null;
    }

    @Override
    public String getLogStreamName() {
      return null;
    }

    @Override
    public String getFunctionName() {
      return null;
    }

    @Override
    public String getFunctionVersion() {
      return null;
    }

    @Override
    public String getInvokedFunctionArn() {
      return null;
    }

    @Override
    public com.amazonaws.services.lambda.runtime.CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public com.amazonaws.services.lambda.runtime.ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return 60_000;
    }

    @Override
    public int getMemoryLimitInMB() {
      return 0;
    }

    @Override
    public com.amazonaws.services.lambda.runtime.LambdaLogger getLogger() {
      return PrimingLogger.INSTANCE;
    }
  }

  /** Lambda's logger while priming: standard output, as the runtime's goes to the log stream. */
  private enum PrimingLogger implements com.amazonaws.services.lambda.runtime.LambdaLogger {
    INSTANCE;

    @Override
    public void log(String message) {
      System.out.println(message);
    }

    @Override
    public void log(byte[] message) {
      System.out.println(new String(message, java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
