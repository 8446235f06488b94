package io.a4c.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Lambda's Invoke API does for a synchronous call, on 127.0.0.1: {@code POST
 * /2015-03-31/functions/{name}/invocations} runs the named function's stream handler (the same
 * class the Lambda runs) on the payload and answers with its output; a handler that throws answers
 * with {@code X-Amz-Function-Error: Unhandled}, as Lambda does. The daemons' Lambda client points
 * here. Credentials are not checked.
 */
final class LambdaInvokeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LambdaInvokeServer.class);
  private static final String PREFIX = "/2015-03-31/functions/";

  /** A function's stream handler. */
  interface StreamFunction {
    void handle(InputStream input, OutputStream output) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, StreamFunction> functions;

  LambdaInvokeServer(Map<String, StreamFunction> functions) throws IOException {
    this.functions = Map.copyOf(functions);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext(PREFIX, this::invoke);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void invoke(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String name =
          path.startsWith(PREFIX) && path.endsWith("/invocations")
              ? path.substring(PREFIX.length(), path.length() - "/invocations".length())
              : "";
      StreamFunction function = functions.get(name);
      byte[] payload = exchange.getRequestBody().readAllBytes();
      if (!"POST".equals(exchange.getRequestMethod()) || function == null) {
        write(
            exchange,
            404,
            null,
            ("{\"Type\":\"User\",\"message\":\"Function not found: " + name + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        return;
      }
      var output = new ByteArrayOutputStream();
      try {
        function.handle(new ByteArrayInputStream(payload), output);
        write(exchange, 200, null, output.toByteArray());
      } catch (Exception e) {
        log.atWarn().addKeyValue("function", name).setCause(e).log("function failed");
        String message = String.valueOf(e.getMessage()).replace("\\", "\\\\").replace("\"", "'");
        write(
            exchange,
            200,
            "Unhandled",
            ("{\"errorMessage\":\""
                    + message
                    + "\",\"errorType\":\""
                    + e.getClass().getSimpleName()
                    + "\"}")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static void write(HttpExchange exchange, int status, String functionError, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("content-type", "application/json");
    exchange.getResponseHeaders().set("x-amz-executed-version", "$LATEST");
    if (functionError != null) {
      exchange.getResponseHeaders().set("x-amz-function-error", functionError);
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
