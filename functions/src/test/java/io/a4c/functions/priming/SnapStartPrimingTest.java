package io.a4c.functions.priming;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.a4c.events.EventJson;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.builds.BuildClaimFunction;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.hostauth.HostEventSenders;
import io.a4c.functions.http.ApiHandler;
import io.a4c.functions.sweeper.Sweeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Priming runs each function's events through the real graph with AWS answered offline. The clients
 * point at a closed port: any request that left the process would fail, and show up as a 5xx or a
 * batch failure.
 */
class SnapStartPrimingTest {
  private final FunctionsComponent graph;

  SnapStartPrimingTest() {
    var env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.DYNAMODB_ENDPOINT, "http://127.0.0.1:9");
    env.put(FunctionsEnv.SQS_ENDPOINT, "http://127.0.0.1:9");
    graph = FunctionsComponent.create(FunctionsConfig.fromEnvironment(env), Clock.systemUTC());
  }

  @Test
  void workspacesApiEventsWalkListGetCreateDeleteAndTheEdgesWithoutLeavingTheProcess() {
    var statuses = primeApi(lambda(graph.workspacesApi()), PrimingEvents.workspacesApi());

    // list (empty page), get/create/delete find nothing, bad arch, bad JSON, another user's path,
    // no claims
    assertThat(statuses).containsExactly(200, 404, 404, 400, 400, 404, 404, 401);
  }

  @Test
  void adminApiEventsWalkHostsProjectsAndImagesWithoutLeavingTheProcess() {
    var statuses = primeApi(lambda(graph.adminApi()), PrimingEvents.adminApi());

    // hosts (none), put project (written offline), get project and its image find nothing, bad
    // source, not an admin
    assertThat(statuses).containsExactly(200, 200, 404, 404, 400, 403);
  }

  @Test
  void inTheAwsConfigurationPrimingFetchesNoCredentialsAndReachesNoEndpoint() {
    // No endpoint overrides: real AWS endpoints and the default credentials chain, as in Lambda.
    var aws =
        FunctionsComponent.create(
            FunctionsConfig.fromEnvironment(FunctionsConfigTest.minimal()), Clock.systemUTC());

    var statuses =
        primeApi(aws.priming(), lambda(aws.workspacesApi()), PrimingEvents.workspacesApi());

    assertThat(statuses).containsExactly(200, 404, 404, 400, 400, 404, 404, 401);
  }

  @Test
  void hostEventsAreAppliedOfflineWithoutFailures() {
    List<SQSBatchResponse> responses = new ArrayList<>();
    RequestHandler<SQSEvent, SQSBatchResponse> handler =
        (event, context) -> record(responses, graph.hostEventsConsumer().handle(event));

    int failed =
        graph.priming().prime(handler, PrimingEvents.hostEvents(graph.config().security()));

    assertThat(failed).isZero();
    assertThat(responses)
        .singleElement()
        .satisfies(r -> assertThat(r.getBatchItemFailures()).isEmpty());
  }

  @Test
  void hostEventsPassTheSenderCheckInEveryConfiguration() throws Exception {
    String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    var configurations =
        List.of(
            Map.<String, String>of(),
            Map.of(FunctionsEnv.HOST_ROLE_IDS, "h2=AROAHOSTTWO,h1=AROAHOSTONE"),
            Map.of(FunctionsEnv.HOST_AUTH, "signature", FunctionsEnv.HOST_EVENT_KEYS, "h1=" + key));
    for (var extra : configurations) {
      var env = FunctionsConfigTest.minimal();
      env.putAll(extra);
      var config = FunctionsConfig.fromEnvironment(env);
      var senders =
          new HostEventSenders(
              config,
              () -> {
                throw new AssertionError("a host event's check never asks STS");
              });

      for (var message : PrimingEvents.hostEvents(config.security()).getFirst().getRecords()) {
        assertThat(
                senders.refusal(
                    message,
                    EventJson.newMapper().readTree(message.getBody()).path("hostId").asText()))
            .as("%s in %s", message.getBody(), extra)
            .isEmpty();
      }
    }
  }

  @Test
  void imageSchedulesApiEventsWalkListGetCancelAndTheEdgesWithoutLeavingTheProcess() {
    var statuses = primeApi(lambda(graph.imageSchedulesApi()), PrimingEvents.imageSchedulesApi());

    // list (empty page), get and cancel find nothing, bad arch, no claims
    assertThat(statuses).containsExactly(200, 404, 404, 400, 401);
  }

  @Test
  void sshKeysApiEventsWalkListDeleteAndRefusedKeysWithoutLeavingTheProcess() {
    var statuses = primeApi(lambda(graph.sshKeysApi()), PrimingEvents.sshKeysApi());

    // list (empty), delete finds nothing, a DSA key and two keys refused after decoding, no claims
    assertThat(statuses).containsExactly(200, 404, 400, 400, 401);
  }

  @Test
  void buildFunctionsPrimeOfflineWithoutFailures() {
    List<Object> results = new ArrayList<>();
    RequestHandler<Map<String, Object>, String> recurring =
        (event, context) -> record(results, graph.recurringBuilds().tick()).toString();
    RequestHandler<SQSEvent, SQSBatchResponse> deadLetters =
        (event, context) -> record(results, graph.buildDeadLetters().handle(event));
    var claimFunction = SnapStartPriming.bytes(BuildClaimFunction.local(graph.buildClaimDoor()));
    RequestHandler<byte[], String> claim =
        (event, context) ->
            record(
                results,
                new String(claimFunction.handleRequest(event, context), StandardCharsets.UTF_8));

    assertThat(graph.priming().prime(recurring, PrimingEvents.recurringBuilds())).isZero();
    assertThat(graph.priming().prime(deadLetters, PrimingEvents.buildDeadLetters())).isZero();
    assertThat(graph.priming().prime(claim, PrimingEvents.buildClaim())).isZero();
    assertThat(results).hasSize(3);
    assertThat(((SQSBatchResponse) results.get(1)).getBatchItemFailures()).isEmpty();
    // The claim's proof went to STS, answered offline with nothing: refused at the door, its
    // audit write answered offline, and nothing left the process.
    assertThat((String) results.get(2))
        .as("the claim's answer")
        .contains("\"granted\":false")
        .contains("not shown to be host a4c-priming")
        .contains("names no caller");
  }

  @Test
  void theSweeperSweepsNothingOffline() {
    List<Sweeper.Result> results = new ArrayList<>();
    RequestHandler<Map<String, Object>, Sweeper.Result> handler =
        (event, context) -> record(results, graph.sweeper().sweep());

    assertThat(graph.priming().prime(handler, PrimingEvents.sweeper())).isZero();
    assertThat(results).containsExactly(new Sweeper.Result(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void onlyThePrimingThreadIsAnsweredOffline() throws Exception {
    List<HttpExecuteRequest> delegated = new ArrayList<>();
    var real =
        new SdkHttpClient() {
          @Override
          public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            delegated.add(request);
            return null;
          }

          @Override
          public void close() {}
        };
    var http = new PrimingHttpClient(real, graph.priming());
    var request =
        HttpExecuteRequest.builder()
            .request(
                SdkHttpRequest.builder()
                    .method(SdkHttpMethod.POST)
                    .uri(URI.create("https://dynamodb.example"))
                    .build())
            .build();
    List<Integer> offline = new ArrayList<>();
    RequestHandler<String, Void> handler =
        (event, context) -> {
          try {
            offline.add(http.prepareRequest(request).call().httpResponse().statusCode());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return null;
        };

    graph.priming().prime(handler, List.of("one"));
    http.prepareRequest(request);

    assertThat(offline).containsExactly(200);
    assertThat(delegated).containsExactly(request);
  }

  @Test
  void aThreadStartedWhilePrimingIsPrimingOnlyWhileThePrimingLasts() throws Exception {
    // A pool's platform thread started by a handler's first call, as an SDK or HTTP client may,
    // lives on after the snapshot: its calls then are real ones.
    var primed = new CountDownLatch(1);
    List<Boolean> seen = new CopyOnWriteArrayList<>();
    Thread[] kept = {null};
    RequestHandler<String, Void> handler =
        (event, context) -> {
          seen.add(graph.priming().isPriming());
          kept[0] =
              Thread.ofPlatform()
                  .start(
                      () -> {
                        seen.add(graph.priming().isPriming());
                        try {
                          primed.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        seen.add(graph.priming().isPriming());
                      });
          try {
            while (seen.size() < 2) {
              Thread.sleep(1);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        };

    graph.priming().prime(handler, List.of("one"));
    primed.countDown();
    kept[0].join();

    assertThat(seen)
        .as("the handler, the thread while priming, the thread after")
        .containsExactly(true, true, false);
    assertThat(graph.priming().isPriming()).isFalse();
  }

  @Test
  void aHandlerThatThrowsIsCountedAndTheRestStillRun() {
    List<String> seen = new ArrayList<>();
    RequestHandler<String, String> handler =
        (event, context) -> {
          seen.add(event);
          if (event.equals("boom")) {
            throw new IllegalStateException("boom");
          }
          return event;
        };

    int failed = graph.priming().prime(handler, List.of("a", "boom", "b"));

    assertThat(failed).isEqualTo(1);
    assertThat(seen).containsExactly("a", "boom", "b");
  }

  private List<Integer> primeApi(
      RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> api,
      List<APIGatewayV2HTTPEvent> events) {
    return primeApi(graph.priming(), api, events);
  }

  private static List<Integer> primeApi(
      SnapStartPriming priming,
      RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> api,
      List<APIGatewayV2HTTPEvent> events) {
    List<APIGatewayV2HTTPResponse> responses = new ArrayList<>();
    RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> recording =
        (event, context) -> record(responses, api.handleRequest(event, context));
    assertThat(priming.prime(recording, events)).isZero();
    return responses.stream().map(APIGatewayV2HTTPResponse::getStatusCode).toList();
  }

  private static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> lambda(
      ApiHandler api) {
    return (event, context) -> api.handle(event);
  }

  private static <T, V extends T> V record(List<T> into, V value) {
    into.add(value);
    return value;
  }
}
