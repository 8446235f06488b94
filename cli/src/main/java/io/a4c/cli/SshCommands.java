package io.a4c.cli;

import io.a4c.cli.ApiTypes.Workspace;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ssh}, {@code config-ssh} and the hidden {@code ssh-proxy}: logging into workspaces with
 * the system's OpenSSH client, host keys verified through A4C's SSH certificate authority (the line
 * of {@code GET /v1/ssh/known-hosts}, kept in the CLI's configuration directory as {@code
 * known_hosts}).
 */
final class SshCommands {
  /** The first line of the block {@code config-ssh} owns in an SSH configuration file. */
  static final String BEGIN =
      "# --- a4c-cli config-ssh: begin (written by a4c-cli; do not edit) ---";

  /** Its last line. */
  static final String END = "# --- a4c-cli config-ssh: end ---";

  /** The suffix of the host names {@code config-ssh} writes: {@code ssh <name>.a4c}. */
  static final String SUFFIX = ".a4c";

  /** Names usable in an SSH {@code Host} line as they are. */
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._-]+");

  /** Arguments a shell takes as they are. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._@=/:,+-]+");

  private SshCommands() {}

  /** Fetches A4C's known-hosts line into the configuration directory; answers the file. */
  static Path knownHosts(Api api, ConfigStore store) {
    String line = api.get("/v1/ssh/known-hosts").body();
    Path file = store.dir().resolve("known_hosts");
    try {
      ConfigStore.writePrivate(file, line.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot write " + file + ": " + e.getMessage());
    }
    return file;
  }

  /** A running workspace with an SSH server, or an error saying why it cannot be logged into. */
  static Workspace loggable(Api api, String id) {
    var w = api.get(Workspaces.path(id), Workspace.class);
    if (!"RUNNING".equals(w.state())) {
      throw new CliException(
          ExitCodes.CLIENT_ERROR,
          "workspace "
              + id
              + " is "
              + w.state()
              + ", not RUNNING"
              + ("STOPPED".equals(w.state()) ? ": a4c-cli workspaces start " + id : ""));
    }
    if (w.ssh() == null) {
      throw new CliException(
          ExitCodes.CLIENT_ERROR,
          "workspace "
              + id
              + " has no SSH server"
              + (w.sshUnavailable() == null ? "" : ": " + w.sshUnavailable()));
    }
    return w;
  }

  /** {@code ssh WS [-- COMMAND…]}. */
  @Command(
      name = "ssh",
      mixinStandardHelpOptions = true,
      description = {
        "Log into a running workspace with the system ssh: your login there, its address, its"
            + " host key checked against A4C's certificate authority.",
        "Give a command after -- to run it instead of a shell. Exits with ssh's exit code."
      })
  static final class Ssh implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Parameters(index = "0", paramLabel = "WS", description = "Its id, or its name.")
    String workspace;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "A command to run there.")
    List<String> command = new ArrayList<>();

    @Option(
        names = {"-i", "--identity"},
        description = "The private key to log in with (default: ssh's own choice).")
    Path identity;

    @Option(names = "--print", description = "Print the ssh command line instead of running it.")
    boolean print;

    Ssh(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var api = common.api(context);
      var w = loggable(api, Workspaces.resolve(api, workspace));
      Path knownHosts = knownHosts(api, context.configStore());
      var args = new ArrayList<String>();
      args.add("ssh");
      args.addAll(List.of("-o", "UserKnownHostsFile=" + knownHosts));
      args.addAll(List.of("-o", "StrictHostKeyChecking=yes"));
      args.addAll(List.of("-o", "HostKeyAlias=" + w.ssh().host()));
      args.addAll(List.of("-p", String.valueOf(w.ssh().port())));
      if (identity != null) {
        args.addAll(List.of("-i", identity.toString(), "-o", "IdentitiesOnly=yes"));
      }
      args.addAll(List.of("-l", w.ssh().user(), "--", w.ip() != null ? w.ip() : w.ssh().host()));
      args.addAll(command);
      if (print) {
        context.out().println(String.join(" ", args.stream().map(Ssh::quoted).toList()));
        return;
      }
      int code;
      try {
        code = new ProcessBuilder(args).inheritIO().start().waitFor();
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.USAGE, "cannot run ssh (" + e.getMessage() + "): install openssh-client");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(ExitCodes.FAILED, "interrupted");
      }
      if (code != 0) {
        throw new CliException(code, "ssh exited with " + code);
      }
    }

    private static String quoted(String arg) {
      return PLAIN.matcher(arg).matches() ? arg : shellQuoted(arg);
    }
  }

  /** {@code config-ssh}. */
  @Command(
      name = "config-ssh",
      mixinStandardHelpOptions = true,
      description = {
        "Write a block into ~/.ssh/config so that `ssh <name>.a4c` and `ssh <id>.a4c` log into"
            + " your workspaces (through `a4c-cli ssh-proxy`, which finds the current address).",
        "The block is marked and replaced on every run: run it again after creating workspaces."
      })
  static final class ConfigSsh implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Option(
        names = "--ssh-config",
        description = "The SSH configuration file to write (default: ~/.ssh/config).")
    Path file;

    @Option(
        names = {"-i", "--identity"},
        description = "A private key for these hosts (IdentityFile).")
    Path identity;

    ConfigSsh(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var api = common.api(context);
      var store = context.configStore();
      Path knownHosts = knownHosts(api, store);
      var workspaces = Workspaces.all(api);
      String user =
          workspaces.stream()
              .filter(w -> w.ssh() != null)
              .map(w -> w.ssh().user())
              .findFirst()
              .orElse(null);
      var block = new StringBuilder(BEGIN).append('\n');
      var names = new ArrayList<String>();
      for (var w : workspaces) {
        var aliases = new LinkedHashSet<String>();
        String shown = w.workspaceId() + SUFFIX;
        aliases.add(shown);
        if (w.name() != null
            && HOST_NAME.matcher(w.name()).matches()
            && workspaces.stream().filter(o -> w.name().equals(o.name())).count() == 1) {
          shown = w.name() + SUFFIX;
          aliases.add(shown);
        }
        names.add(shown);
        block.append("Host ").append(String.join(" ", aliases)).append('\n');
        block.append("  HostName ").append(w.hostname()).append('\n');
        block.append("  HostKeyAlias ").append(w.hostname()).append('\n');
        if (user != null) {
          block.append("  User ").append(user).append('\n');
        }
        if (identity != null) {
          block.append("  IdentityFile ").append(sshQuoted(identity.toAbsolutePath())).append('\n');
          block.append("  IdentitiesOnly yes\n");
        }
        block.append("  UserKnownHostsFile ").append(sshQuoted(knownHosts)).append('\n');
        block.append("  StrictHostKeyChecking yes\n");
        block
            .append("  ProxyCommand ")
            .append(proxyCommand(store.dir(), w.workspaceId()))
            .append('\n');
      }
      block.append(END).append('\n');
      Path target =
          file != null
              ? file
              : Path.of(context.env().getOrDefault("HOME", System.getProperty("user.home")))
                  .resolve(".ssh")
                  .resolve("config");
      try {
        String old = Files.exists(target) ? Files.readString(target) : "";
        ConfigStore.writePrivate(
            target, replaceBlock(old, block.toString()).getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new CliException(ExitCodes.FAILED, "cannot write " + target + ": " + e.getMessage());
      }
      if (common.json()) {
        Common.printJson(context, java.util.Map.of("file", target.toString(), "hosts", names));
        return;
      }
      context.out().println("wrote " + workspaces.size() + " hosts to " + target);
      names.forEach(n -> context.out().println("  ssh " + n));
    }
  }

  /**
   * {@code old} with its a4c-cli block replaced by {@code block} (in place), or with {@code block}
   * appended when it has none; everything else is kept as it was.
   */
  static String replaceBlock(String old, String block) {
    int begin = old.indexOf(BEGIN);
    int end = begin < 0 ? -1 : old.indexOf(END, begin);
    if (begin < 0 || end < 0) {
      String sep = old.isEmpty() || old.endsWith("\n\n") ? "" : old.endsWith("\n") ? "\n" : "\n\n";
      return old + sep + block;
    }
    int after = old.indexOf('\n', end);
    return old.substring(0, begin) + block + (after < 0 ? "" : old.substring(after + 1));
  }

  /**
   * The command ssh runs to reach a workspace: this CLI's {@code ssh-proxy}, run by this same Java
   * from this same jar (or class path), both by absolute path, so it works from ssh's environment
   * whatever its {@code PATH} and {@code JAVA_HOME}. {@code %} is doubled: ssh reads it as the
   * start of a token.
   */
  static String proxyCommand(Path configDir, String workspaceId) {
    String javaBin =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String code;
    try {
      code =
          Path.of(A4cCli.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    String run =
        code.endsWith(".jar")
            ? " -jar " + shellQuoted(code)
            : " -cp "
                + shellQuoted(
                    Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .map(entry -> Path.of(entry).toAbsolutePath().toString())
                        .collect(Collectors.joining(File.pathSeparator)))
                + " "
                + A4cCli.class.getName();
    return (shellQuoted(javaBin)
            + run
            + " ssh-proxy --config-dir "
            + shellQuoted(configDir.toAbsolutePath().toString())
            + " "
            + workspaceId)
        .replace("%", "%%");
  }

  private static String shellQuoted(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static String sshQuoted(Path p) {
    return "\"" + p.toString().replace("%", "%%") + "\"";
  }

  /** {@code ssh-proxy WS}: connects standard input and output to the workspace's SSH port. */
  @Command(
      name = "ssh-proxy",
      hidden = true,
      mixinStandardHelpOptions = true,
      description = "For ssh's ProxyCommand: a TCP connection to the workspace's SSH server.")
  static final class SshProxy implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Parameters(paramLabel = "WS", description = "Its id, or its name.")
    String workspace;

    @Option(names = "--config-dir", description = "The CLI's configuration directory.")
    Path configDir;

    SshProxy(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var env = new java.util.HashMap<>(context.env());
      if (configDir != null) {
        env.put("XDG_CONFIG_HOME", configDir.toAbsolutePath().getParent().toString());
      }
      var here =
          new Context(
              env,
              context.out(),
              context.err(),
              context.in(),
              false,
              context.clock(),
              context.http());
      var api = common.api(here);
      var w = loggable(api, Workspaces.resolve(api, workspace));
      String address = w.ip() != null ? w.ip() : w.ssh().host();
      try (var socket = new Socket()) {
        socket.connect(new InetSocketAddress(address, w.ssh().port()), 10_000);
        var upstream =
            new Thread(
                () -> {
                  try {
                    copy(context.in(), socket.getOutputStream());
                    socket.shutdownOutput();
                  } catch (IOException e) {
                    // The connection ended.
                  }
                },
                "ssh-proxy-upstream");
        upstream.setDaemon(true);
        upstream.start();
        copy(socket.getInputStream(), System.out);
        upstream.interrupt();
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.SERVER, "cannot reach " + address + ":" + w.ssh().port() + ": " + e);
      }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    }
  }
}
