package io.a4c.daemon.workspaces;

import io.a4c.daemon.docker.ContainerFile;
import io.a4c.daemon.docker.DockerWorkspaceRuntime;
import io.a4c.daemon.docker.Handoff;
import io.a4c.daemon.ssh.AccountFiles;
import io.a4c.daemon.ssh.AuthorizedKeys;
import io.a4c.daemon.ssh.HostCertificates;
import io.a4c.daemon.ssh.SshdConfig;
import io.a4c.events.SshAccess;
import io.a4c.events.WorkspaceLogin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Sets a workspace's container up for SSH before it starts (or, for a claimed warm pool member,
 * while it runs): the user's login (account lines and home), sshd's configuration, the host key and
 * certificate A4C made, and the user's keys; and keeps the keys current afterwards. Everything is
 * written as whole files, so doing it twice gives the same container.
 */
@Singleton
public final class WorkspaceSsh {
  /** What a workspace without an SSH server says in the API. */
  public static final String NO_SSHD =
      "the image has no SSH server ("
          + SshdConfig.SSHD
          + "): add openssh-server to the project's tools and build the image again";

  private static final Duration SSHD_START = Duration.ofSeconds(10);
  private static final Duration PROBE_EVERY = Duration.ofMillis(10);

  /**
   * How often, while sshd's port stays closed, the container is looked at for {@link
   * SshdConfig#FAILED}.
   */
  private static final Duration EXIT_CHECK_EVERY = Duration.ofMillis(250);

  /** Where images keep {@code tar} (busybox's images in {@code /usr/sbin}), most likely first. */
  private static final List<String> TAR_PATHS =
      List.of("/usr/bin/tar", "/bin/tar", "/usr/sbin/tar", "/sbin/tar");

  private final DockerWorkspaceRuntime docker;

  /**
   * What a container starts with, from its image: read through the first container of each image
   * (each read mounts a created container's file system, a slow call) and kept by image id, so
   * later creates of the image make one call, the write. Kept for the {@link #IMAGES_KEPT} images
   * created from most recently: a long-lived daemon sees every build of its projects go by.
   */
  private record ImageFacts(
      String shell,
      String passwd,
      String group,
      Optional<String> shadow,
      boolean hasSshd,
      boolean hasTar) {}

  /** The facts of a warm pool member's container, read once its setup was done. */
  private record MemberFacts(String containerId, ImageFacts facts) {}

  /** How many images' facts are kept: those of the images created from most recently. */
  static final int IMAGES_KEPT = 128;

  private final Map<String, ImageFacts> images =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ImageFacts> eldest) {
              return size() > IMAGES_KEPT;
            }
          });

  /**
   * Warm pool members' facts by workspace id, read at their fill so a claim reads nothing: five
   * archive reads of a running container take most of a second on a loaded host. Lost when the
   * daemon restarts; a claim then reads them from the container.
   */
  private final Map<String, MemberFacts> members = new ConcurrentHashMap<>();

  @Inject
  public WorkspaceSsh(DockerWorkspaceRuntime docker) {
    this.docker = docker;
  }

  /**
   * Gives the created (not yet started) container the login, sshd's files and the keys: left in its
   * {@link Handoff} directory for its init to extract at the start when it has one and the image
   * has {@code tar}, else written into it through the engine. The login's home is in the
   * workspace's home volume: in a volume kept from an earlier container (a rebuild) only the home
   * directory's own owner and mode are set again, and the user's files in it stay as they are.
   *
   * @param imageId the id of the image the container was made of: what this daemon learnt of an
   *     image's account files and programs is kept by it
   * @return why the workspace will have no SSH server, or null when it will have one
   */
  public String prepare(String workspaceId, String containerId, String imageId, SshAccess access) {
    var facts = images.get(imageId);
    if (facts == null) {
      // Read outside the map's lock: two creates of a new image may both read; the same facts.
      facts = factsOf(containerId);
      images.put(imageId, facts);
    }
    var files = files(facts, access);
    if (facts.hasTar() && docker.handoff().made(workspaceId)) {
      docker.handoff().leave(workspaceId, files);
    } else {
      docker.writeFiles(containerId, files);
    }
    return facts.hasSshd() ? null : NO_SSHD;
  }

  /**
   * Reads what a claim of the warm pool member will need from its container, now that its setup is
   * done (the setup may have changed its account files), and keeps it until the claim ({@link
   * #personalisation}) or the member's removal ({@link #forgetMember}).
   */
  public void learnMember(String workspaceId, String containerId) {
    members.put(workspaceId, new MemberFacts(containerId, factsOf(containerId)));
  }

  /** Forgets what {@link #learnMember} kept of the workspace's container, if anything. */
  public void forgetMember(String workspaceId) {
    members.remove(workspaceId);
  }

  /**
   * What makes a running warm pool member a create claims the user's, for SSH: the files of {@link
   * #prepare}, built from the account files read at its fill ({@link #learnMember}), or read from
   * the container now when this daemon does not hold them (it restarted since the fill). Nothing is
   * written: the caller puts these files into the container in one archive with its own.
   */
  public Personalisation personalisation(String workspaceId, String containerId, SshAccess access) {
    var known = members.get(workspaceId);
    var facts =
        known != null && known.containerId().equals(containerId)
            ? known.facts()
            : factsOf(containerId);
    return new Personalisation(
        files(facts, access), facts.hasSshd() ? null : NO_SSHD, facts.hasTar());
  }

  /**
   * The files that give a claimed member its user's login, sshd configuration, host key and keys.
   *
   * @param sshUnavailable why the container has no SSH server, or null when it has one
   * @param canExtract whether the container has {@code tar}, so its init can take the files through
   *     its {@link Handoff}
   */
  public record Personalisation(
      List<ContainerFile> files, String sshUnavailable, boolean canExtract) {}

  private ImageFacts factsOf(String containerId) {
    return new ImageFacts(
        docker.exists(containerId, "/bin/bash") ? "/bin/bash" : "/bin/sh",
        docker.readFile(containerId, "/etc/passwd").orElse(""),
        docker.readFile(containerId, "/etc/group").orElse(""),
        docker.readFile(containerId, "/etc/shadow"),
        docker.exists(containerId, SshdConfig.SSHD),
        TAR_PATHS.stream().anyMatch(path -> docker.exists(containerId, path)));
  }

  private static List<ContainerFile> files(ImageFacts image, SshAccess access) {
    WorkspaceLogin login = access.login();
    String shell = image.shell();
    String passwd = image.passwd();
    String group = image.group();
    var shadow = image.shadow();
    List<ContainerFile> files = new ArrayList<>();
    files.add(ContainerFile.file("/etc/passwd", AccountFiles.passwd(passwd, login, shell), 0644));
    files.add(ContainerFile.file("/etc/group", AccountFiles.group(group, login), 0644));
    shadow.ifPresent(
        text ->
            files.add(ContainerFile.file("/etc/shadow", AccountFiles.shadow(text, login), 0600)));
    files.add(ContainerFile.directory(AccountFiles.home(login), 0700, login.uid(), login.uid()));
    files.add(ContainerFile.directory("/etc/a4c", 0755, 0, 0));
    files.add(ContainerFile.directory(SshdConfig.DIR, 0755, 0, 0));
    files.add(ContainerFile.directory(SshdConfig.AUTHORIZED_KEYS_DIR, 0755, 0, 0));
    files.add(ContainerFile.file(SshdConfig.CONFIG, SshdConfig.render(login), 0644));
    files.addAll(hostKeyFiles(access));
    files.add(keysFile(login, access.authorizedKeys(), access.keysRevision()));
    return files;
  }

  /** The host key and its certificate, as sshd's configuration names them. */
  private static List<ContainerFile> hostKeyFiles(SshAccess access) {
    return List.of(
        ContainerFile.file(SshdConfig.HOST_KEY, access.hostPrivateKey(), 0600),
        ContainerFile.file(SshdConfig.HOST_CERTIFICATE, access.hostCertificate() + "\n", 0644));
  }

  /** Which host key a container holds, beside a command's. */
  public enum KeyHeld {
    /** The command's own. */
    THIS,
    /** Another, issued no later than the command's (or of no certificate read): {@link #rekey}. */
    OLDER,
    /**
     * Another, issued after the command's: the command is an older delivery, arriving after the
     * create the sweep sent again since had its way; the container keeps the newer key, which the
     * record names.
     */
    NEWER
  }

  /**
   * Which host key the container was set up with, beside this access's: a create re-sent by the
   * sweep carries a new one ({@link #rekey}), and SQS may deliver an older one after it. Ordered by
   * the certificates' valid-after, which A4C's CA sets from its clock at issue.
   */
  public KeyHeld held(String containerId, SshAccess access) {
    var held = docker.readFile(containerId, SshdConfig.HOST_CERTIFICATE).map(String::strip);
    if (held.isEmpty()) {
      return KeyHeld.OLDER;
    }
    if (held.get().equals(access.hostCertificate())) {
      return KeyHeld.THIS;
    }
    var heldSince = HostCertificates.validAfter(held.get());
    var commandSince = HostCertificates.validAfter(access.hostCertificate());
    return heldSince.isPresent()
            && commandSince.isPresent()
            && Long.compareUnsigned(heldSince.getAsLong(), commandSince.getAsLong()) > 0
        ? KeyHeld.NEWER
        : KeyHeld.OLDER;
  }

  /**
   * Gives the container this access's host key and certificate in place of the ones it holds, in
   * one archive of whole files: a create or rebuild the sweep sent again (it carries a new host
   * key, the record already names its public half) that finds the container its first delivery
   * finished. The container stays; the sshd running in it presents the new key from the next
   * connection on, since it executes itself anew for each one and reads the key files then. The
   * authorized keys are left as they are: a key sync since may have written newer ones.
   */
  public void rekey(String containerId, SshAccess access) {
    docker.writeFiles(containerId, hostKeyFiles(access));
  }

  /**
   * The login the container was set up for, read from A4C's sshd configuration in it; empty when it
   * was made without SSH. How a start, which carries no login, tells whether to wait for sshd and
   * which keys file to report.
   */
  public Optional<String> preparedLogin(String containerId) {
    return docker.readFile(containerId, SshdConfig.CONFIG).flatMap(SshdConfig::loginOf);
  }

  /** The revision of the keys the container holds for the login named {@code name}, if any. */
  public OptionalLong keysRevision(String containerId, String name) {
    return docker
        .readFile(containerId, SshdConfig.authorizedKeys(name))
        .map(AuthorizedKeys::revisionOf)
        .orElse(OptionalLong.empty());
  }

  /** Why the container has no SSH server, or null when it has one. */
  public String sshUnavailable(String containerId) {
    return docker.exists(containerId, SshdConfig.SSHD) ? null : NO_SSHD;
  }

  /**
   * Waits until the started container's sshd accepts connections, so RUNNING means a user can log
   * in.
   *
   * @return why it does not, or null when it does
   */
  public String awaitListening(String containerId, String ip) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + SSHD_START.toNanos();
    long nextExitCheck = start + EXIT_CHECK_EVERY.toNanos();
    while (System.nanoTime() < deadline) {
      try (var socket = new Socket()) {
        socket.connect(new InetSocketAddress(ip, 22), 100);
        return null;
      } catch (IOException e) {
        if (System.nanoTime() >= nextExitCheck) {
          // A read through the engine, so not at every probe: sshd mostly listens before this.
          if (docker.exists(containerId, SshdConfig.FAILED)) {
            return "the SSH server exited at its start" + lastLogLine(containerId);
          }
          nextExitCheck = System.nanoTime() + EXIT_CHECK_EVERY.toNanos();
        }
        Thread.sleep(PROBE_EVERY.toMillis());
      }
    }
    return "the SSH server did not accept connections on "
        + ip
        + ":22 within "
        + SSHD_START.toSeconds()
        + " s"
        + lastLogLine(containerId);
  }

  /** ": " and the last line of sshd's log in the container; empty when it wrote none. */
  private String lastLogLine(String containerId) {
    String log = docker.readFile(containerId, SshdConfig.LOG).orElse("").strip();
    int cut = log.lastIndexOf('\n');
    String last = cut >= 0 ? log.substring(cut + 1) : log;
    return last.isEmpty() ? "" : ": " + last;
  }

  /**
   * Makes the container's authorized keys those of {@code revision}, unless it holds a newer set.
   *
   * @return the revision the container holds now; empty when it was not set up for SSH
   */
  public OptionalLong syncKeys(
      String containerId, WorkspaceLogin login, List<String> keys, long revision) {
    if (!docker.exists(containerId, SshdConfig.CONFIG)) {
      return OptionalLong.empty();
    }
    var held =
        docker
            .readFile(containerId, SshdConfig.authorizedKeys(login))
            .map(AuthorizedKeys::revisionOf)
            .orElse(OptionalLong.empty());
    if (held.isPresent() && held.getAsLong() > revision) {
      return held;
    }
    docker.writeFiles(containerId, List.of(keysFile(login, keys, revision)));
    return OptionalLong.of(revision);
  }

  /** The revision of the keys the container holds, if A4C wrote them. */
  public OptionalLong keysRevision(String containerId, WorkspaceLogin login) {
    return keysRevision(containerId, login.name());
  }

  private static ContainerFile keysFile(WorkspaceLogin login, List<String> keys, long revision) {
    // Root-owned and not writable by the user: sshd's StrictModes accepts it, and only A4C edits
    // it.
    return ContainerFile.file(
        SshdConfig.authorizedKeys(login), AuthorizedKeys.render(keys, revision), 0644);
  }
}
