package io.a4c.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.a4c.cli.ApiTypes.Workspace;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The caller's workspaces: every page of the list, one by id, and a name or id given on the command
 * line turned into an id (a name must match exactly one workspace).
 */
final class Workspaces {
  private static final Pattern ID = Pattern.compile("ws-[0-9a-z]{26}");

  private Workspaces() {}

  /** The path of the caller's workspaces. */
  static final String PATH = "/v1/users/me/workspaces";

  /** Every workspace of the caller, oldest first (all pages). */
  static List<Workspace> all(Api api) {
    return allJson(api).stream().map(w -> Api.JSON.convertValue(w, Workspace.class)).toList();
  }

  /** Every workspace of the caller as the API answered it (all pages), for {@code --json}. */
  static List<JsonNode> allJson(Api api) {
    return api.allItems(PATH);
  }

  /** The path of one workspace. */
  static String path(String workspaceId) {
    return PATH + "/" + workspaceId;
  }

  /**
   * The id of the workspace {@code nameOrId} names: an id as it is, else the one workspace of that
   * name. No match, or several, is a {@link ExitCodes#CLIENT_ERROR} saying so.
   */
  static String resolve(Api api, String nameOrId) {
    if (ID.matcher(nameOrId).matches()) {
      return nameOrId;
    }
    var matches = all(api).stream().filter(w -> nameOrId.equals(w.name())).toList();
    if (matches.isEmpty()) {
      throw new CliException(
          ExitCodes.CLIENT_ERROR,
          "you have no workspace named or with the id '"
              + nameOrId
              + "' (a4c-cli workspaces list shows them)");
    }
    if (matches.size() > 1) {
      throw new CliException(
          ExitCodes.CLIENT_ERROR,
          matches.size()
              + " of your workspaces are named '"
              + nameOrId
              + "': give one of their ids instead: "
              + String.join(", ", matches.stream().map(Workspace::workspaceId).toList()));
    }
    return matches.get(0).workspaceId();
  }
}
