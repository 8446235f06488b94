package io.a4c.local.bench.coldstart;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of {@link io.a4c.local.bench.ColdStartBenchmark}: a stand-in for the Lambda runtime
 * that constructs the entry class with its no-arg constructor as Lambda's init does, optionally
 * takes a "snapshot" ({@code org.crac.Core.checkpointRestore()}, which runs the registered
 * priming), decodes one event and handles it, and prints one line of {@link System#nanoTime} stamps
 * for the parent (on Linux both read the same monotonic clock).
 *
 * <p>It runs with only the functions' shaded jar and these classes on its class path, so it uses
 * nothing but the JDK and what that jar holds.
 *
 * <p>{@code FirstEvent <handler class> <api|sqs|map> <event json file> <plain|primed>}
 */
public final class FirstEvent {
  /** Prefix of the result line the parent looks for among the function's own log lines. */
  public static final String RESULT = "a4c-coldstart";

  private FirstEvent() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    long main = System.nanoTime();
    String handlerClass = args[0];
    String kind = args[1];
    Path eventFile = Path.of(args[2]);
    boolean primed = args[3].equals("primed");

    // Lambda's order: init constructs the handler; a snapshot (if any) is taken after init; an
    // invocation decodes the event (with the runtime's own serializer) and calls the handler.
    Object handler = Class.forName(handlerClass).getConstructor().newInstance();
    long constructed = System.nanoTime();

    long restored = constructed;
    if (primed) {
      org.crac.Core.checkpointRestore();
      restored = System.nanoTime();
    }

    // (Case-insensitive: SQS events say "Records" and "eventSourceARN", the POJOs records and
    // eventSourceArn.)
    var mapper =
        JsonMapper.builder()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES, true)
            .build();
    byte[] raw = Files.readAllBytes(eventFile);
    Object response;
    long decoded;
    if (kind.equals("stream")) {
      // A stream handler decodes its own input: its decode is part of handling.
      decoded = System.nanoTime();
      var output = new java.io.ByteArrayOutputStream();
      ((RequestStreamHandler) handler)
          .handleRequest(new java.io.ByteArrayInputStream(raw), output, null);
      response = output.toString(java.nio.charset.StandardCharsets.UTF_8);
    } else {
      Class<?> type =
          switch (kind) {
            case "api" -> APIGatewayV2HTTPEvent.class;
            case "sqs" -> SQSEvent.class;
            default -> java.util.Map.class;
          };
      Object event = mapper.readValue(raw, type);
      decoded = System.nanoTime();
      response = ((RequestHandler<Object, Object>) handler).handleRequest(event, null);
    }
    long done = System.nanoTime();
    // CPU of all threads (JIT and GC included) until now: less at the mercy of a busy machine.
    long cpuMs =
        ProcessHandle.current()
            .info()
            .totalCpuDuration()
            .map(java.time.Duration::toMillis)
            .orElse(-1L);

    String outcome =
        switch (response) {
          case APIGatewayV2HTTPResponse http -> "status=" + http.getStatusCode();
          case SQSBatchResponse batch -> "failures=" + batch.getBatchItemFailures().size();
          default -> "response=" + response;
        };
    System.out.println(
        RESULT
            + " main="
            + main
            + " decoded="
            + decoded
            + " constructed="
            + constructed
            + " restored="
            + restored
            + " done="
            + done
            + " cpuMs="
            + cpuMs
            + " primedResources="
            + io.a4c.local.bench.coldstart.crac.Core.primedResources()
            + " "
            + outcome);
  }
}
