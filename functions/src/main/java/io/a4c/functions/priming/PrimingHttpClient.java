package io.a4c.functions.priming;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The HTTP client of every AWS client: passes requests to the real one, except on a thread that is
 * priming ({@link SnapStartPriming}), where each request is answered at once, without any I/O, with
 * {@code 200 {}} — an empty success in the JSON protocols DynamoDB and SQS speak: no item, no page,
 * no queue URL. The SDK still builds, signs, sends and parses everything around it, which is the
 * code priming is for. One exception: SQS SendMessage is answered with the MD5 of the body sent,
 * which the SDK checks, so a send succeeds. Thread-safe.
 */
public final class PrimingHttpClient implements SdkHttpClient {
  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

  private final SdkHttpClient delegate;
  private final SnapStartPriming priming;

  public PrimingHttpClient(SdkHttpClient delegate, SnapStartPriming priming) {
    this.delegate = delegate;
    this.priming = priming;
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    if (!priming.isPriming()) {
      return delegate.prepareRequest(request);
    }
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        byte[] body = answer(request);
        return HttpExecuteResponse.builder()
            .response(
                SdkHttpResponse.builder()
                    .statusCode(200)
                    .putHeader("Content-Type", "application/x-amz-json-1.0")
                    .putHeader("Content-Length", Integer.toString(body.length))
                    .putHeader("x-amzn-RequestId", "priming")
                    .build())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
            .build();
      }

      @Override
      public void abort() {}
    };
  }

  private static byte[] answer(HttpExecuteRequest request) throws IOException {
    boolean sendMessage =
        request
            .httpRequest()
            .firstMatchingHeader("X-Amz-Target")
            .filter("AmazonSQS.SendMessage"::equals)
            .isPresent();
    if (!sendMessage || request.contentStreamProvider().isEmpty()) {
      return EMPTY_JSON;
    }
    byte[] sent;
    try (InputStream in = request.contentStreamProvider().get().newStream()) {
      sent = in.readAllBytes();
    }
    String messageBody = new ObjectMapper().readTree(sent).path("MessageBody").asText();
    try {
      String md5 =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("MD5")
                      .digest(messageBody.getBytes(StandardCharsets.UTF_8)));
      return ("{\"MessageId\":\"priming\",\"MD5OfMessageBody\":\"" + md5 + "\"}")
          .getBytes(StandardCharsets.UTF_8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every JDK", e);
    }
  }

  @Override
  public String clientName() {
    return delegate.clientName();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
