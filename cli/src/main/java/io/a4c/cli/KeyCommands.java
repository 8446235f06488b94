package io.a4c.cli;

import io.a4c.cli.ApiTypes.PutSshKeyRequest;
import io.a4c.cli.ApiTypes.SshKey;
import io.a4c.cli.ApiTypes.SshKeyList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code keys}: the SSH public keys that open the caller's workspaces. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Your SSH public keys: every workspace of yours accepts them.",
    subcommands = {KeyCommands.Add.class, KeyCommands.ListCommand.class, KeyCommands.Remove.class})
final class KeyCommands extends A4cCli.Group {
  private static final String PATH = "/v1/users/me/ssh-keys";

  /** {@code keys add}: a public key file's line, never a private key's. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Register a public key under NAME (replacing one of that name).")
  static final class Add implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Parameters(index = "0", paramLabel = "NAME", description = "A name for it, e.g. laptop.")
    String name;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "FILE",
        description = "The .pub file (default: ~/.ssh/id_ed25519.pub).")
    Path file;

    Add(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      Path source =
          file != null
              ? file
              : Path.of(context.env().getOrDefault("HOME", System.getProperty("user.home")))
                  .resolve(".ssh")
                  .resolve("id_ed25519.pub");
      String key;
      try {
        key = Files.readString(source).trim();
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.USAGE,
            "cannot read "
                + source
                + " ("
                + e.getClass().getSimpleName()
                + "): give the public key file, or make one with ssh-keygen -t ed25519");
      }
      if (key.contains("PRIVATE KEY-----") || key.startsWith("PuTTY-User-Key-File-")) {
        // Refused here, before any request: a private key never leaves this machine.
        throw new CliException(
            ExitCodes.USAGE,
            source
                + " is a private key, which is not sent anywhere: give its public key, the .pub"
                + " file beside it (`ssh-keygen -y -f "
                + source
                + "` prints it)");
      }
      var reply =
          common.api(context).send("PUT", PATH + "/" + Api.encode(name), new PutSshKeyRequest(key));
      if (common.json()) {
        Common.printJson(context, reply.json());
        return;
      }
      var added = reply.as(SshKey.class);
      context
          .out()
          .println(
              (reply.status() == 201 ? "added " : "replaced ")
                  + added.name()
                  + ": "
                  + added.type()
                  + " "
                  + added.fingerprint());
    }
  }

  /** {@code keys list}. */
  @Command(
      name = "list",
      aliases = "ls",
      mixinStandardHelpOptions = true,
      description = "List your keys.")
  static final class ListCommand implements Runnable {
    private final Context context;
    @Mixin Common common;

    ListCommand(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      var reply = common.api(context).get(PATH);
      if (common.json()) {
        Common.printJson(context, reply.json().get("items"));
        return;
      }
      var table = Table.of("name", "type", "fingerprint", "comment", "created");
      reply
          .as(SshKeyList.class)
          .items()
          .forEach(k -> table.row(k.name(), k.type(), k.fingerprint(), k.comment(), k.createdAt()));
      table.print(context.out(), "no keys: a4c-cli keys add NAME [FILE]");
    }
  }

  /** {@code keys remove}. */
  @Command(
      name = "remove",
      aliases = "rm",
      mixinStandardHelpOptions = true,
      description = "Remove a key: it stops opening your workspaces.")
  static final class Remove implements Runnable {
    private final Context context;
    @Mixin Common common;

    @Parameters(paramLabel = "NAME", description = "The key's name.")
    String name;

    Remove(Context context) {
      this.context = context;
    }

    @Override
    public void run() {
      common.api(context).send("DELETE", PATH + "/" + Api.encode(name), null);
      if (common.json()) {
        Common.printJson(context, java.util.Map.of("name", name, "removed", true));
      } else {
        context.out().println("removed " + name);
      }
    }
  }
}
