package io.a4c.local.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A process the local runtime starts (Dynoxide, the SES endpoint) that dies with this JVM, even
 * when the JVM is killed with SIGKILL and has no chance to stop it: it runs under util-linux's
 * {@code setpriv --pdeathsig KILL}, so the kernel kills it when its parent goes. Its output goes to
 * a log file in the data directory. Thread-safe; closing it is idempotent.
 *
 * <p>The kernel's "parent" for the death signal is the thread that forked the child, not the
 * process: a child started from a short-lived thread (a test's executor, the main thread once
 * {@code main} returns) would be killed when that thread ends. Every child is therefore forked from
 * one launcher thread that lives as long as the JVM.
 */
public final class ChildProcess implements AutoCloseable {
  public static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  /** The one thread every child is forked from; see the class comment for why it is shared. */
  private static final ExecutorService LAUNCHER =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().daemon().name("child-process-launcher").factory());

  private final String name;
  private final Path log;
  private final Process process;

  private ChildProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts {@code command}, appending its output to {@code log}.
   *
   * @param name what it is, for messages ("Dynoxide")
   * @throws IllegalStateException when setpriv is missing or the command cannot be started
   */
  public static ChildProcess start(String name, List<String> command, Path log) throws IOException {
    if (!Files.isExecutable(SETPRIV)) {
      throw new IllegalStateException(
          SETPRIV + " is missing (Debian's util-linux has it): it ties " + name + " to this JVM");
    }
    Files.createDirectories(log.toAbsolutePath().getParent());
    List<String> argv = new ArrayList<>(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
    argv.addAll(command);
    var builder =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return new ChildProcess(name, log, LAUNCHER.submit(builder::start).get());
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not start " + name + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + name, e);
    }
  }

  /**
   * Waits until {@code answers} is true, polling every 50 ms.
   *
   * @throws IllegalStateException naming the log when the process exits or does not answer in time
   */
  public void awaitAnswer(Duration wait, BooleanSupplier answers) throws InterruptedException {
    Instant deadline = Instant.now().plus(wait);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited at start (exit " + process.exitValue() + "); see " + log);
      }
      if (answers.getAsBoolean()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        name + " did not answer within " + wait.toSeconds() + " s; see " + log);
  }

  /** SIGTERM, then SIGKILL if it has not exited within five seconds. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
