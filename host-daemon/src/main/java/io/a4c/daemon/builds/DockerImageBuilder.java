package io.a4c.daemon.builds;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.registry.RegistryAuth;
import io.a4c.daemon.registry.RegistryLoginFailed;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.inject.Inject;
import javax.inject.Named;
import javax.inject.Singleton;

/**
 * Builds an image from a build context with the host's Docker engine (docker-java), streaming the
 * engine's output into the build's log, and pushes it to the registry, sending the {@link
 * RegistryAuth} credentials (to the build too, for a base image in the same registry). Each call
 * hands its stream to {@code onStream}, so a builder that is stopped can close it (the engine then
 * cancels the build). Each step runs with the builder's CPU weight and memory ceiling ({@link
 * DaemonConfig.Builder#cpuShares()}, {@link DaemonConfig.Builder#memoryMb()}), so a build on a host
 * that runs workspaces cannot starve them. Thread-safe.
 */
@Singleton
public final class DockerImageBuilder {
  /** How long a push may take; past it the push is stopped and the job handed back. */
  static final Duration PUSH_TIMEOUT = Duration.ofMinutes(60);

  private static final long MIB = 1024L * 1024;

  private final DockerClient docker;
  private final RegistryAuth auth;
  private final DaemonConfig.Builder limits;

  @Inject
  public DockerImageBuilder(
      @Named("builds") DockerClient docker, RegistryAuth auth, DaemonConfig config) {
    this(docker, auth, config.builder());
  }

  /**
   * @param limits the builder's settings this uses: the engine build's deadline (past it the build
   *     is stopped and FAILED), the steps' CPU weight and memory ceiling
   */
  public DockerImageBuilder(DockerClient docker, RegistryAuth auth, DaemonConfig.Builder limits) {
    this.docker = docker;
    this.auth = auth;
    this.limits = limits;
  }

  /** How long the engine may build one image. */
  public Duration buildTimeout() {
    return limits.buildTimeout();
  }

  /**
   * Builds {@code context} (its {@code Dockerfile}, which starts {@code FROM baseImage}) as {@code
   * tag}, sending the engine the context minus the {@code excluded} paths (relative, such as {@code
   * sources/src/.git}) with the files' own modes ({@link ContextArchive}); returns the image id.
   */
  public String build(
      Path context,
      Set<String> excluded,
      String tag,
      String baseImage,
      Map<String, String> labels,
      BuildLog log,
      Consumer<Closeable> onStream)
      throws BuildFailure, InterruptedException {
    var callback =
        new BuildImageResultCallback() {
          @Override
          public void onNext(BuildResponseItem item) {
            if (item.getStream() != null) {
              log.text(item.getStream());
            }
            if (item.isErrorIndicated() && item.getErrorDetail() != null) {
              log.line("ERROR: " + item.getErrorDetail().getMessage());
            }
            super.onNext(item);
          }
        };
    Path archive;
    try {
      // Next to the context (the builder's work directory), as docker-java's own archiver would.
      archive = Files.createTempFile(context.getParent(), context.getFileName() + "-", ".tar");
    } catch (IOException e) {
      throw new BuildFailure("the build context could not be archived: " + e.getMessage(), true, e);
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(archive))) {
      ContextArchive.write(context, excluded, out);
    } catch (IOException e) {
      deleteQuietly(archive, log);
      throw new BuildFailure("the build context could not be archived: " + e.getMessage(), true, e);
    }
    try (InputStream tar = new BufferedInputStream(Files.newInputStream(archive))) {
      var command = docker.buildImageCmd(tar);
      credentials(baseImage)
          .ifPresent(
              credentials -> {
                var configurations = new AuthConfigurations();
                configurations.addConfig(credentials);
                command.withBuildAuthConfigs(configurations);
              });
      command
          .withDockerfilePath("Dockerfile")
          .withTags(Set.of(tag))
          .withLabels(labels)
          .withPull(false)
          .withRemove(true)
          .withForcerm(true)
          .withCpushares(Integer.toString(limits.cpuShares()));
      if (limits.memoryMb() > 0) {
        // Swap included: a step that outgrows the ceiling is killed, not swapped to a crawl.
        command.withMemory(limits.memoryMb() * MIB).withMemswap(limits.memoryMb() * MIB);
      }
      command.exec(callback);
      onStream.accept(callback);
      if (!callback.awaitCompletion(limits.buildTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        // Closing the stream makes the engine cancel the build: it must not go on unwatched.
        closeQuietly(callback);
        throw new BuildFailure(
            "the build did not finish within " + minutes(limits.buildTimeout()) + "; stopped",
            false,
            null);
      }
      return callback.awaitImageId();
    } catch (DockerClientException e) {
      // The engine answered that a step failed: the Dockerfile's fault, not worth another try.
      throw new BuildFailure("a Dockerfile step failed: " + firstLine(e.getMessage()), false, e);
    } catch (DockerException e) {
      throw new BuildFailure(
          "the Docker engine refused the build: " + firstLine(e.getMessage()),
          e.getHttpStatus() >= 500,
          e);
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("build stopped");
      }
      throw new BuildFailure("the Docker engine did not answer during the build", true, e);
    } catch (IOException e) {
      throw new BuildFailure("the build context could not be read: " + e.getMessage(), true, e);
    } finally {
      deleteQuietly(archive, log);
    }
  }

  private static void deleteQuietly(Path archive, BuildLog log) {
    try {
      Files.deleteIfExists(archive);
    } catch (IOException e) {
      log.line("could not delete " + archive + ": " + e.getMessage());
    }
  }

  /** Pushes {@code tag} to its registry; returns the digest the registry gave it. */
  public String push(String tag, BuildLog log, Consumer<Closeable> onStream)
      throws BuildFailure, InterruptedException {
    int colon = tag.lastIndexOf(':');
    String repository = tag.substring(0, colon);
    String[] error = {null};
    var callback =
        new ResultCallback.Adapter<PushResponseItem>() {
          @Override
          public void onNext(PushResponseItem item) {
            if (item.getErrorDetail() != null) {
              error[0] = item.getErrorDetail().getMessage();
              log.line("ERROR: " + error[0]);
            } else if (item.getStatus() != null && item.getProgressDetail() == null) {
              log.line((item.getId() == null ? "" : item.getId() + ": ") + item.getStatus());
            }
          }
        };
    try {
      var command = docker.pushImageCmd(repository).withTag(tag.substring(colon + 1));
      credentials(tag).ifPresent(command::withAuthConfig);
      command.exec(callback);
      onStream.accept(callback);
      if (!callback.awaitCompletion(PUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        closeQuietly(callback);
        throw new BuildFailure(
            "the push did not finish within " + PUSH_TIMEOUT.toMinutes() + " min; stopped",
            true,
            null);
      }
    } catch (DockerException e) {
      throw new BuildFailure("the push was refused: " + firstLine(e.getMessage()), true, e);
    } catch (RuntimeException e) {
      throw new BuildFailure("the Docker engine did not answer during the push", true, e);
    }
    if (error[0] != null) {
      throw new BuildFailure("the registry refused the push: " + error[0], true, null);
    }
    var digests = docker.inspectImageCmd(tag).exec().getRepoDigests();
    return digests == null
        ? null
        : digests.stream()
            .filter(d -> d.startsWith(repository + "@"))
            .map(d -> d.substring(repository.length() + 1))
            .findFirst()
            .orElse(null);
  }

  private Optional<AuthConfig> credentials(String imageRef) throws BuildFailure {
    try {
      return auth.forImage(imageRef);
    } catch (RegistryLoginFailed e) {
      throw new BuildFailure("no registry login: " + e.getMessage(), true, e);
    }
  }

  /** Removes a local tag (the image stays if other tags hold it). */
  public void untag(String tag) {
    try {
      docker.removeImageCmd(tag).withNoPrune(false).exec();
    } catch (RuntimeException e) {
      // already gone
    }
  }

  /** "120 min", or "30 s" for a deadline shorter than a minute. */
  private static String minutes(Duration d) {
    return d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }

  static void closeQuietly(Closeable stream) {
    try {
      stream.close();
    } catch (IOException | RuntimeException e) {
      // stopping anyway
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    String text = message.strip();
    int newline = text.indexOf('\n');
    text = newline >= 0 ? text.substring(0, newline) : text;
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }
}
