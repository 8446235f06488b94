package io.a4c.daemon.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InfoCmd;
import com.github.dockerjava.api.command.ListContainersCmd;
import com.github.dockerjava.api.command.ListImagesCmd;
import com.github.dockerjava.api.command.RemoveImageCmd;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.Info;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A {@link DockerClient} answering the few commands the heartbeat and the image collection send
 * ({@code info}, the image and container lists, image removal) from lists a test gives, and
 * recording what it was asked to remove; any other command fails the test. The engine's models are
 * read from the JSON the engine would send, as docker-java reads them.
 */
public final class FakeDocker {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Info info;
  private final List<Image> images;
  private final List<Container> containers;
  private final List<String> removed = Collections.synchronizedList(new ArrayList<>());

  /**
   * An engine of {@code architecture} whose data root this process cannot see, holding {@code
   * images} and {@code containers}.
   */
  public FakeDocker(String architecture, List<Image> images, List<Container> containers) {
    this.info =
        JSON.convertValue(
            Map.of("Architecture", architecture, "DockerRootDir", "/nonexistent/a4c-fake-docker"),
            Info.class);
    this.images = List.copyOf(images);
    this.containers = List.copyOf(containers);
  }

  /** An image as the engine lists it. */
  public static Image image(String id, List<String> tags, long created, long size) {
    return JSON.convertValue(
        Map.of("Id", id, "RepoTags", tags, "Created", created, "Size", size, "Labels", Map.of()),
        Image.class);
  }

  /** A container of {@code imageId}, made from {@code imageRef}, with {@code labels}. */
  public static Container container(String imageId, String imageRef, Map<String, String> labels) {
    return JSON.convertValue(
        Map.of(
            "Id",
            "c-" + imageId,
            "ImageID",
            imageId,
            "Image",
            imageRef,
            "Labels",
            labels,
            "State",
            "exited"),
        Container.class);
  }

  /** The references removed so far, in order. */
  public List<String> removed() {
    return List.copyOf(removed);
  }

  /** The client. */
  public DockerClient client() {
    return (DockerClient)
        Proxy.newProxyInstance(
            DockerClient.class.getClassLoader(),
            new Class<?>[] {DockerClient.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "infoCmd" -> command(InfoCmd.class, info);
                  case "listImagesCmd" -> command(ListImagesCmd.class, images);
                  case "listContainersCmd" -> command(ListContainersCmd.class, containers);
                  case "removeImageCmd" -> {
                    String ref = (String) args[0];
                    yield command(RemoveImageCmd.class, null, () -> removed.add(ref));
                  }
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private static <T> T command(Class<T> type, Object result) {
    return command(type, result, () -> {});
  }

  /** A command whose builder methods return itself and whose {@code exec} runs and answers. */
  private static <T> T command(Class<T> type, Object result, Runnable onExec) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getName().equals("exec")) {
                onExec.run();
                return result;
              }
              if (method.getReturnType().isInstance(proxy)) {
                return proxy;
              }
              throw new UnsupportedOperationException(method.getName());
            }));
  }
}
