package io.a4c.daemon.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.EventsCmd;
import com.github.dockerjava.api.command.ListImagesCmd;
import com.github.dockerjava.api.model.Event;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A broken image event stream, which the real engine cannot be made to break without stopping it
 * for every other test: a client (a proxy, the one mock here) whose every stream opens and breaks
 * 200 ms later the way docker-java ends a broken stream — an error, then completion as well. Each
 * break opens one stream again, a second later, never two; and none once closed.
 */
class EngineImagesTest {
  @Test
  void aStreamThatBreaksAgainAndAgainIsOpenedAgainOnceForEachBreak() throws Exception {
    var opened = new AtomicInteger();
    var images = new EngineImages(breakingClient(opened), Clock.systemUTC(), config());
    images.start();
    Thread.sleep(4_500); // about four breaks, each opened again after a second
    int soFar = opened.get();
    assertThat(soFar)
        .as("streams opened in 4.5 s (doubling on each break would be 15 or more)")
        .isBetween(2, 6);

    images.close();
    Thread.sleep(2_500);
    assertThat(opened.get()).as("opened after close").isLessThanOrEqualTo(soFar + 1);
    int atClose = opened.get();
    Thread.sleep(1_500);
    assertThat(opened.get()).isEqualTo(atClose);
  }

  /** A client whose event streams each open, then break 200 ms later (error, then completion). */
  private static DockerClient breakingClient(AtomicInteger opened) {
    var listImages =
        (ListImagesCmd)
            Proxy.newProxyInstance(
                ListImagesCmd.class.getClassLoader(),
                new Class<?>[] {ListImagesCmd.class},
                (proxy, method, args) -> method.getName().equals("exec") ? List.of() : proxy);
    return (DockerClient)
        Proxy.newProxyInstance(
            DockerClient.class.getClassLoader(),
            new Class<?>[] {DockerClient.class},
            (client, method, args) ->
                switch (method.getName()) {
                  case "listImagesCmd" -> listImages;
                  case "eventsCmd" -> events(opened);
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @SuppressWarnings("unchecked")
  private static EventsCmd events(AtomicInteger opened) {
    return (EventsCmd)
        Proxy.newProxyInstance(
            EventsCmd.class.getClassLoader(),
            new Class<?>[] {EventsCmd.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("exec")) {
                return method.getName().equals("close") ? null : proxy;
              }
              var callback = (ResultCallback<Event>) args[0];
              opened.incrementAndGet();
              Thread.ofPlatform()
                  .daemon()
                  .start(
                      () -> {
                        callback.onStart(() -> {});
                        try {
                          Thread.sleep(200);
                        } catch (InterruptedException e) {
                          return;
                        }
                        callback.onError(new IOException("connection reset"));
                        callback.onComplete();
                      });
              return callback;
            });
  }

  static DaemonConfig config() {
    return DaemonConfig.fromEnvironment(
        Map.of(
            DaemonEnv.HOST_ID, "images-probe",
            DaemonEnv.HOST_EVENTS_QUEUE_URL, "http://127.0.0.1:9/unused",
            DaemonEnv.HOST_QUEUE_PREFIX, "a4c-host-"));
  }
}
