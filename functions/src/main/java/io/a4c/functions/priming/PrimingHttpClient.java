package io.a4c.functions.priming;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The HTTP client of every AWS client: passes requests to the real one, except on a thread that
 * is priming ({@link SnapStartPriming}), where each request is answered at once, without any I/O,
 * with {@code 200 {}} — an empty success in the JSON protocols DynamoDB and SQS speak: no item, no
 * page, nothing sent. The SDK still builds, signs, sends and parses everything around it, which
 * is the code priming is for. Thread-safe.
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
      public HttpExecuteResponse call() {
        return HttpExecuteResponse.builder()
            .response(
                SdkHttpResponse.builder()
                    .statusCode(200)
                    .putHeader("Content-Type", "application/x-amz-json-1.0")
                    .putHeader("Content-Length", Integer.toString(EMPTY_JSON.length))
                    .putHeader("x-amzn-RequestId", "priming")
                    .build())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(EMPTY_JSON)))
            .build();
      }

      @Override
      public void abort() {}
    };
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
