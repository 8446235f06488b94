package io.a4c.daemon.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Statistics;
import io.a4c.daemon.registry.ImageRepository;
import io.a4c.daemon.registry.RegistryAuth;
import io.a4c.daemon.registry.RegistryLoginFailed;
import io.a4c.daemon.ssh.SshdConfig;
import io.a4c.events.CreateWorkspace;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The Docker operations of a workspace's life, each one step, each mapping engine errors to a
 * {@link StepFailure} that says whether a retry can help. Containers are confined: not privileged,
 * no Docker socket or host mounts, CPU, memory and pids limits, a reduced capability set and
 * no-new-privileges. Thread-safe (docker-java clients are).
 */
@Singleton
public final class DockerWorkspaceRuntime {
  /** The engine's default capabilities a workspace's container drops: it has no use for them. */
  public static final List<Capability> DROPPED =
      List.of(Capability.NET_RAW, Capability.MKNOD, Capability.AUDIT_WRITE);

  private static final long SETUP_TIMEOUT_MINUTES = 30;

  /** The most of an exec's output {@link #execOutput} keeps. */
  public static final int EXEC_OUTPUT_LIMIT = 256 * 1024;

  /** How long a pull may take before it is abandoned and the engine told to stop it. */
  static final Duration PULL_TIMEOUT = Duration.ofMinutes(30);

  private static final long EXEC_TIMEOUT_SECONDS = 10;

  /** Seconds a stop gives the container's processes before the engine kills them. */
  public static final int STOP_TIMEOUT_SECONDS = 10;

  /**
   * The signal a stop sends. The container's first process is the engine's init ({@code
   * docker-init}, tini), which passes it on to the image's command — most often an interactive
   * shell, which ignores SIGTERM (and as PID 1 would ignore any signal it has no handler for, so
   * every stop took the full {@link #STOP_TIMEOUT_SECONDS}) but ends on SIGHUP, passing it on to
   * its jobs as a closed terminal would. Once it ends, the init ends and the engine kills what is
   * left.
   */
  static final String STOP_SIGNAL = "SIGHUP";

  private final DockerClient docker;
  private final RegistryAuth auth;
  private final WorkspaceNetwork network;
  private final Handoff handoff;
  private final Duration pullTimeout;

  @Inject
  public DockerWorkspaceRuntime(
      DockerClient docker, RegistryAuth auth, WorkspaceNetwork network, Handoff handoff) {
    this(docker, auth, network, handoff, PULL_TIMEOUT);
  }

  /** With a pull deadline of its own ({@link #PULL_TIMEOUT} but in tests). */
  DockerWorkspaceRuntime(
      DockerClient docker,
      RegistryAuth auth,
      WorkspaceNetwork network,
      Handoff handoff,
      Duration pullTimeout) {
    this.docker = docker;
    this.auth = auth;
    this.network = network;
    this.handoff = handoff;
    this.pullTimeout = pullTimeout;
  }

  /** How this host hands its containers A4C's files. */
  public Handoff handoff() {
    return handoff;
  }

  /**
   * Creates the container (not started) and returns its id, with the workspace's home volume
   * (created first if need be) at {@code /home}: a new, empty volume gets the image's {@code /home}
   * from the engine, an existing one keeps the user's files. With SSH access in the command, its
   * first process is {@link SshdConfig#INIT_SCRIPT}, which starts sshd and then runs the image's
   * own command. The container is labelled with {@code operation}, the number of the command that
   * made it (0 for a create), so a redelivered rebuild tells its own container from an older one of
   * the same image. A warm pool member ({@code pool} not null) is labelled with its pool and gets
   * the init too: its sshd is configured and started when a create claims it, and the init starts
   * it again on every later start. A container with the init gets its {@link Handoff} directory
   * (made anew), unless it cannot be made. The home volume is made while the image is looked up
   * (and pulled if need be), and the image is inspected once for all that needs it.
   */
  public Created create(CreateWorkspace command, long operation, String pool) {
    var spec = command.spec();
    String shortName = spec.hostname().split("\\.", 2)[0];
    String domain = spec.hostname().contains(".") ? spec.hostname().split("\\.", 2)[1] : null;
    var hostConfig =
        HostConfig.newHostConfig()
            .withPrivileged(false)
            .withNanoCPUs((long) (spec.cpus() * 1_000_000_000L))
            .withMemory(spec.memoryMb() * 1024 * 1024)
            .withPidsLimit(spec.pids())
            // The engine's init as PID 1: it passes the stop signal on and reaps orphans.
            .withInit(true)
            .withCapDrop(DROPPED.toArray(Capability[]::new))
            .withSecurityOpts(List.of("no-new-privileges"))
            .withRestartPolicy(RestartPolicy.unlessStoppedRestart())
            // The host's routed workspace network, if it has one; else the default bridge (null).
            .withNetworkMode(network.name().orElse(null));
    var home =
        new FutureTask<Void>(
            () -> {
              ensureHome(command.workspaceId(), command.userId(), command.hostId(), pool);
              return null;
            });
    Thread.ofVirtual().name("a4c-home-" + command.workspaceId()).start(home);
    InspectImageResponse image = presentImage(spec.imageRef());
    awaitHome(home);
    List<String> init =
        command.ssh() == null && pool == null
            ? null
            : initCommand(image != null ? image.getConfig() : inspectConfig(spec.imageRef()));
    List<Mount> mounts = new java.util.ArrayList<>();
    mounts.add(
        new Mount()
            .withType(MountType.VOLUME)
            .withSource(ContainerLabels.homeVolume(command.workspaceId()))
            .withTarget(ContainerLabels.HOME));
    if (init != null) {
      handoff.mount(command.workspaceId(), pool != null).ifPresent(mounts::add);
    }
    hostConfig.withMounts(mounts);
    return call(
        "create the container",
        () -> {
          var create =
              docker
                  .createContainerCmd(spec.imageRef())
                  .withName(ContainerLabels.containerName(command.workspaceId()))
                  .withHostName(shortName)
                  .withDomainName(domain)
                  .withLabels(ContainerLabels.ofContainer(command, operation, pool))
                  // A shell with a terminal stays up like `docker run -dit`, whatever the image's
                  // CMD is.
                  .withTty(true)
                  .withStdinOpen(true)
                  .withStopSignal(STOP_SIGNAL)
                  .withHostConfig(hostConfig);
          if (init != null) {
            // docker-java refuses a null entrypoint: without SSH the image's own one stays.
            create.withEntrypoint(init.subList(0, 4)).withCmd(init.subList(4, init.size()));
          }
          try {
            return new Created(create.exec().getId(), image != null ? image.getId() : null);
          } catch (NotFoundException e) {
            throw imageGoneOr(e, spec.imageRef());
          }
        });
  }

  /**
   * A container {@link #create} made.
   *
   * @param imageId the id of the image it was made of, as inspected just before; null when the
   *     engine did not say (then {@link #imageId} asks again)
   */
  public record Created(String containerId, String imageId) {}

  /** Waits for the home volume made beside the image's lookup; its failure is the create's. */
  private static void awaitHome(FutureTask<Void> home) {
    try {
      home.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new StepFailure("create the home volume: " + e.getCause(), true, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailure("interrupted while making the home volume", true, e);
    }
  }

  /**
   * What a create step the engine answered 404 fails with: when the image is gone although {@link
   * #pullIfAbsent} found it a moment before (this host's image collection took it, used by no
   * container yet, or an operator pruned it), a transient failure, so the next attempt pulls it
   * again; else (a local-only image, or something else missing) {@code e} itself, which {@link
   * #call} reports as the engine said.
   */
  static RuntimeException imageGoneOr(NotFoundException e, String imageRef) {
    boolean image =
        firstLine(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("no such image");
    if (image && ImageRepository.registryOf(imageRef).isPresent()) {
      return new StepFailure(
          "the image "
              + imageRef
              + " left the host before its container was made; the next attempt pulls it again",
          true,
          e);
    }
    return e;
  }

  /**
   * Creates the workspace's home volume, labelled like its container (with its pool, for a warm
   * pool member), unless it exists (the engine then returns the existing one unchanged). Never
   * removed by a retry's cleanup: only {@link #removeHome} removes it.
   */
  public void ensureHome(String workspaceId, String userId, String hostId, String pool) {
    var labels = new java.util.HashMap<>(ContainerLabels.of(workspaceId, userId, hostId));
    if (pool != null) {
      labels.put(ContainerLabels.POOL, pool);
    }
    call(
        "create the home volume",
        () ->
            docker
                .createVolumeCmd()
                .withName(ContainerLabels.homeVolume(workspaceId))
                .withLabels(labels)
                .exec());
  }

  /**
   * Removes the workspace's home volume if there is one; its container must be gone. Idempotent.
   */
  public void removeHome(String workspaceId) {
    try {
      call(
          "remove the home volume",
          () -> docker.removeVolumeCmd(ContainerLabels.homeVolume(workspaceId)).exec());
    } catch (StepFailure e) {
      if (!(e.getCause() instanceof NotFoundException)) {
        throw e;
      }
    }
  }

  /**
   * A home volume as the engine lists it.
   *
   * @param createdAt when the engine made it; null when it did not say
   */
  public record HomeVolume(String name, Map<String, String> labels, Instant createdAt) {}

  /** Every home volume on this engine labelled as A4C's. */
  public List<HomeVolume> homeVolumes() {
    var volumes =
        call(
            "list volumes",
            () ->
                docker
                    .listVolumesCmd()
                    .withFilter("label", List.of(ContainerLabels.MANAGED + "=true"))
                    .exec()
                    .getVolumes());
    if (volumes == null) {
      return List.of();
    }
    return volumes.stream()
        .map(
            volume ->
                new HomeVolume(
                    volume.getName(),
                    volume.getLabels() == null ? Map.of() : volume.getLabels(),
                    instant(volume.getRawValues().get("CreatedAt"))))
        .toList();
  }

  /** An engine timestamp (RFC 3339), or null when absent or unreadable. */
  public static Instant instant(Object value) {
    if (!(value instanceof String text) || text.isBlank() || text.startsWith("0001-")) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The container's configuration and state, if it still exists. */
  public Optional<InspectContainerResponse> inspect(String containerId) {
    return call(
        "inspect the container",
        () -> {
          try {
            return Optional.of(docker.inspectContainerCmd(containerId).exec());
          } catch (NotFoundException e) {
            return Optional.empty();
          }
        });
  }

  /**
   * Stops the container: the init passes {@link #STOP_SIGNAL} to the image's command; whatever is
   * still running {@link #STOP_TIMEOUT_SECONDS} later is killed. Stopped through the API, the
   * engine leaves it stopped (restart policy {@code unless-stopped}), also across its own restarts.
   * A stopped container is left as it is.
   */
  public void stop(String containerId) {
    call(
        "stop the container",
        () -> {
          try {
            docker.stopContainerCmd(containerId).withTimeout(STOP_TIMEOUT_SECONDS).exec();
          } catch (NotModifiedException e) {
            // stopped already
          }
          return null;
        });
  }

  /**
   * Runs {@code command} in the running container and returns what it printed on stdout, for small
   * reads (a few KiB are kept); its exit status is not looked at.
   */
  public String execOutput(String containerId, String... command) {
    String execId =
        call(
            "run " + command[0],
            () ->
                docker
                    .execCreateCmd(containerId)
                    .withCmd(command)
                    .withAttachStdout(true)
                    .withAttachStderr(false)
                    .exec()
                    .getId());
    var output = new StringBuilder();
    call(
        "run " + command[0],
        () -> {
          try {
            boolean done =
                docker
                    .execStartCmd(execId)
                    .exec(
                        new ResultCallback.Adapter<Frame>() {
                          @Override
                          public void onNext(Frame frame) {
                            synchronized (output) {
                              if (output.length() < EXEC_OUTPUT_LIMIT) {
                                output.append(
                                    new String(frame.getPayload(), StandardCharsets.UTF_8));
                              }
                            }
                          }
                        })
                    .awaitCompletion(EXEC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!done) {
              throw new StepFailure(
                  command[0] + " did not finish in " + EXEC_TIMEOUT_SECONDS + " s", true, null);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while running " + command[0], true, e);
          }
          return null;
        });
    synchronized (output) {
      return output.toString();
    }
  }

  /**
   * The CPU time the running container has used since it started, in nanoseconds, from one stats
   * sample of the engine; empty when the engine gave none.
   */
  public OptionalLong cpuUsageNanos(String containerId) {
    return call(
        "read the container's CPU use",
        () -> {
          var sample = new java.util.concurrent.atomic.AtomicReference<Statistics>();
          try {
            docker
                .statsCmd(containerId)
                .withNoStream(true)
                .exec(
                    new ResultCallback.Adapter<Statistics>() {
                      @Override
                      public void onNext(Statistics statistics) {
                        sample.compareAndSet(null, statistics);
                      }
                    })
                .awaitCompletion(EXEC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while reading CPU use", true, e);
          }
          var stats = sample.get();
          if (stats == null
              || stats.getCpuStats() == null
              || stats.getCpuStats().getCpuUsage() == null
              || stats.getCpuStats().getCpuUsage().getTotalUsage() == null) {
            return OptionalLong.empty();
          }
          return OptionalLong.of(stats.getCpuStats().getCpuUsage().getTotalUsage());
        });
  }

  /**
   * The container's command line under A4C's init: {@code sh -c <init> a4c-init}, then the image's
   * entrypoint and command (a shell when it has neither), which the init script execs.
   */
  private static List<String> initCommand(ContainerConfig config) {
    List<String> command =
        new java.util.ArrayList<>(List.of("/bin/sh", "-c", SshdConfig.INIT_SCRIPT, "a4c-init"));
    if (config != null && config.getEntrypoint() != null) {
      command.addAll(List.of(config.getEntrypoint()));
    }
    if (config != null && config.getCmd() != null) {
      command.addAll(List.of(config.getCmd()));
    }
    if (command.size() == 4) {
      command.add("/bin/sh");
    }
    return command;
  }

  /** The image's configuration, or the engine's failure to inspect it as a step's. */
  private ContainerConfig inspectConfig(String imageRef) {
    return call(
        "inspect the image",
        () -> {
          try {
            return docker.inspectImageCmd(imageRef).exec().getConfig();
          } catch (NotFoundException e) {
            throw imageGoneOr(e, imageRef);
          }
        });
  }

  /** The id of the image {@code imageRef} names on this engine now. */
  public String imageId(String imageRef) {
    return call("inspect the image", () -> docker.inspectImageCmd(imageRef).exec().getId());
  }

  /**
   * A file of the container, created or running, as text; empty when there is none. For small files
   * (account files, keys).
   */
  public Optional<String> readFile(String containerId, String path) {
    return call(
        "read " + path,
        () -> {
          try (var tar =
              new TarArchiveInputStream(
                  docker.copyArchiveFromContainerCmd(containerId, path).exec())) {
            var entry = tar.getNextEntry();
            if (entry == null || entry.isDirectory()) {
              return Optional.empty();
            }
            return Optional.of(new String(tar.readAllBytes(), StandardCharsets.UTF_8));
          } catch (NotFoundException e) {
            return Optional.empty();
          } catch (IOException e) {
            throw new StepFailure("could not read " + path + ": " + e.getMessage(), true, e);
          }
        });
  }

  /** Whether the container, created or running, has something at {@code path}. */
  public boolean exists(String containerId, String path) {
    return call(
        "look for " + path,
        () -> {
          try (var ignored = docker.copyArchiveFromContainerCmd(containerId, path).exec()) {
            return true;
          } catch (NotFoundException e) {
            return false;
          } catch (IOException e) {
            return true; // it answered; closing early is not an absence
          }
        });
  }

  /**
   * Puts files and directories into the container, created or running, with their owners and modes;
   * existing files are replaced. One archive, so the engine writes them in one call.
   */
  public void writeFiles(String containerId, List<ContainerFile> files) {
    byte[] archive = ContainerFile.tar(files);
    call(
        "write files into the container",
        () ->
            docker
                .copyArchiveToContainerCmd(containerId)
                .withRemotePath("/")
                .withTarInputStream(new java.io.ByteArrayInputStream(archive))
                .exec());
  }

  /**
   * Pulls the image from its registry when this host lacks it (a build pushed it from another
   * host), with the {@link RegistryAuth} credentials for an image in the daemon's repository. A
   * local-only image (no registry in its name) that is absent fails as before, at create.
   */
  public void pullIfAbsent(String imageRef) {
    presentImage(imageRef);
  }

  /**
   * {@link #pullIfAbsent}, returning the image as the engine inspects it then; null when the engine
   * did not answer the inspection or a local-only image is absent (the create that follows then
   * reports what the engine says).
   */
  private InspectImageResponse presentImage(String imageRef) {
    try {
      return docker.inspectImageCmd(imageRef).exec();
    } catch (NotFoundException e) {
      // not here: pull it below
    } catch (RuntimeException e) {
      return null; // let create report what is wrong with the engine
    }
    if (ImageRepository.registryOf(imageRef).isEmpty()) {
      return null;
    }
    pull(imageRef);
    try {
      return docker.inspectImageCmd(imageRef).exec();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void pull(String imageRef) {
    call(
        "pull the image " + imageRef,
        () -> {
          var pull = docker.pullImageCmd(imageRef);
          try {
            auth.forImage(imageRef).ifPresent(pull::withAuthConfig);
          } catch (RegistryLoginFailed e) {
            throw new StepFailure(
                "no registry login to pull " + imageRef + ": " + e.getMessage(), true, e);
          }
          // The engine reports a pull's failure half-way (a full disk, a registry gone) inside its
          // progress stream, with HTTP 200: read it there.
          String[] error = {null};
          var progress =
              new ResultCallback.Adapter<PullResponseItem>() {
                @Override
                public void onNext(PullResponseItem item) {
                  if (item.isErrorIndicated()) {
                    error[0] =
                        item.getErrorDetail() != null
                            ? item.getErrorDetail().getMessage()
                            : item.getError();
                  }
                }
              };
          var running = pull.exec(progress);
          try {
            if (!running.awaitCompletion(pullTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
              // Closing the stream ends the request: the daemon keeps no thread or connection for
              // it. The engine cancels the pull (it logs "context canceled"), though a layer
              // download stalled on its registry may wait on inside it.
              closeQuietly(running);
              throw new StepFailure(
                  "pulling " + imageRef + " did not finish in " + describe(pullTimeout),
                  true,
                  null);
            }
            if (error[0] != null) {
              throw new StepFailure(
                  "pulling " + imageRef + " failed: " + truncate(error[0]), true, null);
            }
          } catch (InterruptedException e) {
            closeQuietly(running);
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while pulling " + imageRef, true, e);
          }
          return null;
        });
  }

  private static void closeQuietly(Closeable stream) {
    try {
      stream.close();
    } catch (IOException e) {
      // It is being abandoned: nothing more to do with it.
    }
  }

  /** "30 min", "3 s". */
  private static String describe(Duration timeout) {
    return timeout.toSeconds() % 60 == 0 && timeout.toMinutes() > 0
        ? timeout.toMinutes() + " min"
        : timeout.toSeconds() + " s";
  }

  /** Starts the container. */
  public void start(String containerId) {
    call("start the container", () -> docker.startContainerCmd(containerId).exec());
  }

  /**
   * Runs one setup command with {@code sh -c} inside the container and waits for it.
   *
   * @throws StepFailure permanent when the command exits non-zero
   */
  public void runSetup(String containerId, int index, String commandLine) {
    String execId =
        call(
            "set up",
            () ->
                docker
                    .execCreateCmd(containerId)
                    .withCmd("sh", "-c", commandLine)
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .exec()
                    .getId());
    var output = new StringBuilder();
    call(
        "set up",
        () -> {
          try {
            boolean done =
                docker
                    .execStartCmd(execId)
                    .exec(
                        new ResultCallback.Adapter<Frame>() {
                          @Override
                          public void onNext(Frame frame) {
                            synchronized (output) {
                              if (output.length() < 4096) {
                                output.append(
                                    new String(frame.getPayload(), StandardCharsets.UTF_8));
                              }
                            }
                          }
                        })
                    .awaitCompletion(SETUP_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            if (!done) {
              throw new StepFailure(
                  "setup command "
                      + (index + 1)
                      + " did not finish in "
                      + SETUP_TIMEOUT_MINUTES
                      + " min",
                  false,
                  null);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted during setup", true, e);
          }
          return null;
        });
    Long exitCode = call("set up", () -> docker.inspectExecCmd(execId).exec().getExitCodeLong());
    if (exitCode == null || exitCode != 0) {
      String lastLine = output.toString().strip();
      int cut = lastLine.lastIndexOf('\n');
      lastLine = cut >= 0 ? lastLine.substring(cut + 1) : lastLine;
      throw new StepFailure(
          "setup command "
              + (index + 1)
              + " exited with "
              + exitCode
              + (lastLine.isEmpty() ? "" : ": " + truncate(lastLine)),
          false,
          null);
    }
  }

  /** The container's address on its network. */
  public String ipAddress(String containerId) {
    return call(
        "read the container's address",
        () -> {
          var networks =
              docker.inspectContainerCmd(containerId).exec().getNetworkSettings().getNetworks();
          return firstAddress(networks)
              .orElseThrow(
                  () -> new StepFailure("the container has no IP address yet", true, null));
        });
  }

  /** A listed container's address on its first network that gives one, if any. */
  public static Optional<String> ipOf(Container container) {
    var settings = container.getNetworkSettings();
    return settings == null ? Optional.empty() : firstAddress(settings.getNetworks());
  }

  private static Optional<String> firstAddress(Map<String, ContainerNetwork> networks) {
    if (networks == null) {
      return Optional.empty();
    }
    return networks.values().stream()
        .map(ContainerNetwork::getIpAddress)
        .filter(ip -> ip != null && !ip.isEmpty())
        .findFirst();
  }

  /** The workspace's container, running or not, if it exists. */
  public Optional<Container> find(String workspaceId) {
    var found =
        call(
            "look up the container",
            () ->
                docker
                    .listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(Map.of(ContainerLabels.WORKSPACE_ID, workspaceId))
                    .exec());
    return found.stream().findFirst();
  }

  /** Every container this host runs for A4C, running or not. */
  public List<Container> managedContainers() {
    return call(
        "list containers",
        () ->
            docker
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(ContainerLabels.MANAGED, "true"))
                .exec());
  }

  /**
   * Force-removes the workspace's container if there is one, with its anonymous volumes, then its
   * {@link Handoff} directory; the named home volume stays. Idempotent.
   */
  public void remove(String workspaceId) {
    for (Container container : find(workspaceId).stream().toList()) {
      try {
        call(
            "remove the container",
            () ->
                docker
                    .removeContainerCmd(container.getId())
                    .withForce(true)
                    .withRemoveVolumes(true)
                    .exec());
      } catch (StepFailure e) {
        if (!(e.getCause() instanceof NotFoundException)) {
          throw e;
        }
      }
    }
    try {
      handoff.remove(workspaceId);
    } catch (java.io.UncheckedIOException e) {
      throw new StepFailure("could not remove the handoff directory: " + e.getMessage(), true, e);
    }
  }

  private static String truncate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }

  private interface DockerCall<T> {
    T run();
  }

  private static <T> T call(String step, DockerCall<T> operation) {
    try {
      return operation.run();
    } catch (StepFailure e) {
      throw e;
    } catch (DockerException e) {
      int status = e.getHttpStatus();
      boolean isTransient = status >= 500 || status == 0;
      throw new StepFailure(
          "could not " + step + ": " + truncate(firstLine(e.getMessage())), isTransient, e);
    } catch (RuntimeException e) {
      // Transport failures: the engine is down, restarting or too slow. Worth another try.
      throw new StepFailure("could not " + step + ": the Docker engine did not answer", true, e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    String text = message.replaceAll("^Status \\d+: ", "").strip();
    // docker-java puts the engine's JSON {"message":"…"} in the exception text.
    int at = text.indexOf("\"message\":\"");
    if (at >= 0) {
      int end = text.indexOf('"', at + 11);
      text = end > at ? text.substring(at + 11, end) : text;
    }
    int newline = text.indexOf('\n');
    return newline >= 0 ? text.substring(0, newline) : text;
  }
}
