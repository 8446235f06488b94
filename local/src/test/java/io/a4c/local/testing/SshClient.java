package io.a4c.local.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenSSH client, run from the root network namespace as a developer's machine runs it: a
 * key pair of its own, a known_hosts file holding only A4C's {@code @cert-authority} line, and
 * strict host key checking, so a login succeeds only when the workspace's host certificate checks
 * out against the CA.
 */
public final class SshClient {
  /** What one {@code ssh} run gave. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private final Path dir;
  private final Path key;
  private final Path knownHosts;

  private SshClient(Path dir, Path key, Path knownHosts) {
    this.dir = dir;
    this.key = key;
    this.knownHosts = knownHosts;
  }

  /** A new ed25519 key pair in {@code dir}, made with {@code ssh-keygen}. */
  public static SshClient withNewKey(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Path key = dir.resolve(name);
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString()));
    return new SshClient(dir, key, dir.resolve("known_hosts"));
  }

  /** The public key line, as a user pastes it into the API. */
  public String publicKey() throws IOException {
    return Files.readString(key.resolveSibling(key.getFileName() + ".pub")).strip();
  }

  /** Trusts what the line says ({@code @cert-authority *.<domain> …}) and nothing else. */
  public void trust(String knownHostsLine) throws IOException {
    Files.writeString(knownHosts, knownHostsLine.strip() + "\n");
  }

  /**
   * Runs {@code command} as {@code user} on the workspace named {@code hostname} at {@code ip}: the
   * host key is checked under the hostname (the certificate's principal), the connection goes to
   * the address the DNS server gave.
   */
  public Result run(String user, String hostname, String ip, String command) {
    try {
      var process = start(user, hostname, ip, command);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "ssh did not finish in 30 s");
      }
      return new Result(
          process.exitValue(),
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run ssh", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An SSH session left open in the background, as a developer's terminal is. */
  public static final class Session implements AutoCloseable {
    private final Process process;

    private Session(Process process) {
      this.process = process;
    }

    /** Whether the session is still connected. */
    public boolean alive() {
      return process.isAlive();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  /** Opens a session running {@code command} and returns at once; closing it ends the session. */
  public Session open(String user, String hostname, String ip, String command) {
    try {
      return new Session(start(user, hostname, ip, command));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run ssh", e);
    }
  }

  private Process start(String user, String hostname, String ip, String command)
      throws IOException {
    List<String> ssh = new ArrayList<>();
    ssh.addAll(
        List.of(
            "ssh",
            "-F",
            "/dev/null",
            "-i",
            key.toString(),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "UserKnownHostsFile=" + knownHosts,
            "-o",
            "GlobalKnownHostsFile=/dev/null",
            "-o",
            "HostKeyAlias=" + hostname,
            "-o",
            "ConnectTimeout=5",
            "-o",
            "LogLevel=ERROR",
            user + "@" + ip,
            command));
    var process = new ProcessBuilder(ssh).redirectErrorStream(true).start();
    process.getOutputStream().close();
    return process;
  }

  /** The directory holding the key and known_hosts. */
  public Path dir() {
    return dir;
  }

  private static void run(List<String> command) throws IOException {
    try {
      var process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
