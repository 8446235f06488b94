package io.a4c.cli;

import java.lang.reflect.Constructor;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code a4c-cli}: A4C from a terminal, through the HTTP API alone (no AWS SDK). Every command
 * takes {@code --help}, {@code --json} and {@code --verbose}; exit codes are in {@link ExitCodes}
 * and docs/cli.md.
 */
@Command(
    name = "a4c-cli",
    mixinStandardHelpOptions = true,
    versionProvider = A4cCli.Version.class,
    description = "A4C workspaces and builds from the command line, through the HTTP API.",
    subcommands = {
      LoginCommands.Login.class,
      LoginCommands.Logout.class,
      LoginCommands.Whoami.class,
      WorkspaceCommands.class,
      SshCommands.Ssh.class,
      SshCommands.ConfigSsh.class,
      SshCommands.SshProxy.class,
      KeyCommands.class,
      BuildCommands.class,
      AdminCommands.Projects.class,
      AdminCommands.Hosts.class,
      AdminCommands.Audit.class,
      AutoComplete.GenerateCompletion.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:what was waited for failed (a FAILED workspace or build), or the wait timed out",
      "2:usage error",
      "3:the API refused the request (4xx), or no such workspace name",
      "4:not logged in, token expired or refused (401), or not allowed (403)",
      "5:server error (5xx) or the server could not be reached"
    })
public final class A4cCli implements Runnable {
  @Spec CommandSpec spec;

  /** Without a command: a usage error that lists them. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a command");
  }

  /** The process's entry point. */
  public static void main(String[] args) {
    System.exit(execute(Context.ofProcess(), args));
  }

  /** Runs a command line in {@code context} and answers its exit code. */
  public static int execute(Context context, String... args) {
    return commandLine(context).execute(args);
  }

  /** The command tree, its commands made with {@code context}, errors mapped to exit codes. */
  static CommandLine commandLine(Context context) {
    var line = new CommandLine(A4cCli.class, new Factory(context));
    line.setOut(context.out());
    line.setErr(context.err());
    line.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          if (e instanceof CliException failure) {
            command.getErr().println("a4c-cli: " + failure.getMessage());
            command.getErr().flush();
            return failure.exitCode();
          }
          throw e;
        });
    return line;
  }

  /** Makes commands with a {@link Context} constructor with it, others as picocli does. */
  private record Factory(Context context) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      Constructor<K> constructor;
      try {
        constructor = type.getDeclaredConstructor(Context.class);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
      constructor.setAccessible(true);
      return constructor.newInstance(context);
    }
  }

  /** The jar's version, from its manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = A4cCli.class.getPackage().getImplementationVersion();
      return new String[] {"a4c-cli " + (version == null ? "(development)" : version)};
    }
  }

  /**
   * A command that only groups others ({@code workspaces}, {@code keys}, ...): run alone, a usage
   * error that lists them.
   */
  abstract static class Group implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(), "name a subcommand");
    }
  }
}
