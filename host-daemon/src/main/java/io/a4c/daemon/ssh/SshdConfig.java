package io.a4c.daemon.ssh;

import io.a4c.daemon.docker.Handoff;
import io.a4c.events.WorkspaceLogin;
import java.util.Optional;

/**
 * The workspace's own sshd configuration, in {@code /etc/a4c/ssh} rather than the image's {@code
 * /etc/ssh}, so an image's defaults cannot loosen it: keys only, only the workspace's user, no
 * root, the host key A4C made with its certificate, and the authorized keys A4C writes (root-owned,
 * so only A4C changes them).
 */
public final class SshdConfig {
  /** Where everything A4C writes for sshd lives in the container. */
  public static final String DIR = "/etc/a4c/ssh";

  public static final String CONFIG = DIR + "/sshd_config";
  public static final String HOST_KEY = DIR + "/ssh_host_ed25519_key";
  public static final String HOST_CERTIFICATE = HOST_KEY + "-cert.pub";
  public static final String AUTHORIZED_KEYS_DIR = DIR + "/authorized_keys";
  public static final String SSHD = "/usr/sbin/sshd";
  public static final String LOG = "/var/log/a4c-sshd.log";
  public static final String PID_FILE = "/run/a4c-sshd.pid";

  /**
   * Left by {@link #START_SCRIPT} when sshd exited at its start (a configuration it refuses, no
   * usable host key): its exit status. sshd leaves the foreground once it has checked these, so the
   * daemon, which waits for the port, knows at once that it will not open.
   */
  public static final String FAILED = "/run/a4c-sshd.failed";

  /**
   * Starts sshd when the image has one and A4C configured it; nothing otherwise. Run by {@link
   * #INIT_SCRIPT} on every start, and once in a running warm pool member when a create claims it
   * (its configuration is written only then). Leaves {@link #FAILED} when sshd exits at its start.
   */
  public static final String START_SCRIPT =
      "rm -f "
          + FAILED
          + "; if [ -x "
          + SSHD
          + " ] && [ -f "
          + CONFIG
          + " ]; then mkdir -p /run/sshd && { "
          + SSHD
          + " -f "
          + CONFIG
          + " -E "
          + LOG
          + " || echo $? > "
          + FAILED
          + "; }; fi";

  /**
   * The container's first process: extracts the files A4C handed it ({@link Handoff}) unless an
   * earlier start did, starts sshd ({@link #START_SCRIPT}), then becomes the image's own command. A
   * warm pool member not yet claimed waits for its files in the background instead (reading the
   * {@link Handoff#CLAIM} FIFO, which blocks until a claim writes it) and starts sshd once they are
   * extracted. An extraction that fails (a full disk) removes {@link Handoff#DONE} and starts no
   * sshd: the daemon then keeps the archive ({@link Handoff#taken} waits for sshd), and the next
   * start extracts it again. It runs on every start of the container, so sshd comes back after a
   * restart too.
   */
  public static final String INIT_SCRIPT =
      "h="
          + Handoff.TARGET
          + "; if [ ! -e "
          + Handoff.DONE
          + " ] && [ -f $h/"
          + Handoff.FILES
          + " ]; then tar -xf $h/"
          + Handoff.FILES
          + " -C / || rm -f "
          + Handoff.DONE
          + "; fi; if [ ! -e "
          + Handoff.DONE
          + " ] && [ -p $h/"
          + Handoff.CLAIM
          + " ]; then (tar -xf $h/"
          + Handoff.CLAIM
          + " -C / && "
          + START_SCRIPT
          + ") & elif [ -e "
          + Handoff.DONE
          + " ] || [ ! -f $h/"
          + Handoff.FILES
          + " ]; then "
          + START_SCRIPT
          + "; fi; exec \"$@\"";

  /** How long {@link #startOnceWritten} waits for its marker, in 20 ms polls: 5 s. */
  private static final int MARKER_POLLS = 250;

  /**
   * {@link #START_SCRIPT} once {@code marker} (an absolute path of letters, digits, '/' and '-')
   * exists, looked for every 20 ms for at most 5 s, and removed: a warm pool claim runs it while it
   * writes sshd's files into the container, the marker last, so the command's start and the write
   * overlap instead of following one another.
   */
  public static String startOnceWritten(String marker) {
    if (!marker.matches("/[A-Za-z0-9/-]+")) {
      throw new IllegalArgumentException("not a plain path: " + marker);
    }
    return "n=0; while [ ! -e "
        + marker
        + " ] && [ $n -lt "
        + MARKER_POLLS
        + " ]; do sleep 0.02; n=$((n+1)); done; rm -f "
        + marker
        + "; "
        + START_SCRIPT;
  }

  private SshdConfig() {}

  /** The authorized keys file of a login. */
  public static String authorizedKeys(WorkspaceLogin login) {
    return authorizedKeys(login.name());
  }

  /** The authorized keys file of the login named {@code name}. */
  public static String authorizedKeys(String name) {
    return AUTHORIZED_KEYS_DIR + "/" + name;
  }

  /**
   * The login a configuration written by {@link #render} lets in (its {@code AllowUsers}), so a
   * command that carries no login (a start) finds the keys file; empty for another text.
   */
  public static Optional<String> loginOf(String config) {
    return config
        .lines()
        .filter(line -> line.startsWith("AllowUsers "))
        .map(line -> line.substring("AllowUsers ".length()).strip())
        .filter(name -> WorkspaceLogin.NAME.matcher(name).matches())
        .findFirst();
  }

  /** The configuration text for the workspace whose user is {@code login}. */
  public static String render(WorkspaceLogin login) {
    return String.join(
        "\n",
        "# Written by A4C at create: key login only, for " + login.name() + " only.",
        "Port 22",
        "HostKey " + HOST_KEY,
        "HostCertificate " + HOST_CERTIFICATE,
        "PidFile " + PID_FILE,
        "AuthorizedKeysFile " + AUTHORIZED_KEYS_DIR + "/%u",
        "AuthenticationMethods publickey",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitEmptyPasswords no",
        "PermitRootLogin no",
        "AllowUsers " + login.name(),
        "UsePAM no",
        "X11Forwarding no",
        "PrintMotd yes",
        "AcceptEnv LANG LC_*",
        "Subsystem sftp internal-sftp",
        "");
  }
}
