package io.a4c.functions.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Route53Exception;

/**
 * What Route53WorkspaceDns sends to Route 53. No AWS is reachable from the tests, so the real SDK
 * client talks to a stand-in on 127.0.0.1 that records each request and answers as Route 53 does (a
 * success, or the error a DELETE of a missing record gets): the request checked is the one that
 * would go on the wire, not a mock's view of it.
 */
class Route53WorkspaceDnsTest {
  private static final String ZONE = "Z0123456789ABCDEFGHIJ";
  private static final String NAME = "ws-1.ws.a4c.internal";

  private static final String CHANGED =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <ChangeResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
        <ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status>
        <SubmittedAt>2026-03-01T10:00:00.000Z</SubmittedAt></ChangeInfo>
      </ChangeResourceRecordSetsResponse>""";

  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicReference<String[]> answer = new AtomicReference<>();
  private HttpServer route53;
  private Route53Client client;

  @BeforeEach
  void aRoute53StandIn() throws IOException {
    answer.set(new String[] {"200", CHANGED});
    route53 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    route53.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n" + body);
          byte[] reply = answer.get()[1].getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("content-type", "text/xml");
          exchange.sendResponseHeaders(Integer.parseInt(answer.get()[0]), reply.length);
          exchange.getResponseBody().write(reply);
          exchange.close();
        });
    route53.start();
    client =
        Route53Client.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + route53.getAddress().getPort()))
            .region(Region.AWS_GLOBAL)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    route53.stop(0);
  }

  @Test
  void anUpsertIsOneChangeOfTheWorkspaceARecordInTheZone() {
    new Route53WorkspaceDns(() -> client, ZONE).upsert(NAME, "10.251.2.7");

    assertThat(requests).hasSize(1);
    String request = requests.getFirst();
    assertThat(request).startsWith("POST /2013-04-01/hostedzone/" + ZONE + "/rrset");
    assertThat(compact(request))
        .contains("<Changes><Change><Action>UPSERT</Action>")
        .contains("<Name>" + NAME + "</Name><Type>A</Type>")
        .contains("<TTL>" + WorkspaceDns.TTL_SECONDS + "</TTL>")
        .contains("<ResourceRecords><ResourceRecord><Value>10.251.2.7</Value>")
        .containsOnlyOnce("<Change>");
  }

  @Test
  void aDeleteNamesTheAddressItRemoves() {
    new Route53WorkspaceDns(() -> client, ZONE).delete(NAME, "10.251.2.7");

    assertThat(compact(requests.getFirst()))
        .contains("<Action>DELETE</Action>")
        .contains("<Name>" + NAME + "</Name><Type>A</Type>")
        .contains("<TTL>" + WorkspaceDns.TTL_SECONDS + "</TTL>")
        .contains("<Value>10.251.2.7</Value>");
  }

  @Test
  void aDeleteOfARecordThatIsGoneOrMovedIsANoOp() {
    answer.set(
        new String[] {
          "400",
          error(
              "InvalidChangeBatch",
              "[Tried to delete resource record set [name='"
                  + NAME
                  + ".', type='A'] but it was"
                  + " not found]")
        });

    new Route53WorkspaceDns(() -> client, ZONE).delete(NAME, "10.251.2.7");

    assertThat(requests).hasSize(1);
  }

  @Test
  void anyOtherRefusalOfADeleteFailsItSoItIsRetried() {
    answer.set(new String[] {"400", error("NoSuchHostedZone", "No hosted zone found")});
    var dns = new Route53WorkspaceDns(() -> client, ZONE);

    assertThatThrownBy(() -> dns.delete(NAME, "10.251.2.7")).isInstanceOf(Route53Exception.class);
  }

  @Test
  void theClientIsMadeOnTheFirstWriteOnly() {
    var made = new AtomicInteger();
    var dns =
        new Route53WorkspaceDns(
            () -> {
              made.incrementAndGet();
              return client;
            },
            ZONE);
    assertThat(made).hasValue(0);

    dns.upsert(NAME, "10.251.2.7");

    assertThat(made).hasValue(1);
  }

  private static String error(String code, String message) {
    return "<?xml version=\"1.0\"?>\n"
        + "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error>"
        + "<Type>Sender</Type><Code>"
        + code
        + "</Code><Message>"
        + message
        + "</Message></Error><RequestId>r-1</RequestId></ErrorResponse>";
  }

  /** The XML without the whitespace between elements. */
  private static String compact(String xml) {
    return xml.replaceAll(">\\s+<", "><");
  }
}
