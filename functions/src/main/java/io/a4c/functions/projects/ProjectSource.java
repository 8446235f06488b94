package io.a4c.functions.projects;

import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.Validation;
import java.util.regex.Pattern;

/**
 * Where a project's sources come from: a Perforce depot path (synced with {@code p4 sync
 * <depotPath>@<change>}) or a git repository URL (cloned and checked out at the change).
 *
 * @param type {@code perforce} or {@code git}
 */
public record ProjectSource(String type, String depotPath, String url) {
  /** No {@code ..} path segment: a depot path or URL names what it says, not a parent of it. */
  private static final String NO_DOT_DOT_SEGMENT = "(?!.*/\\.\\.(/|$))";

  static final Pattern DEPOT_PATH =
      Pattern.compile(NO_DOT_DOT_SEGMENT + "//[A-Za-z0-9_][A-Za-z0-9._/-]{0,254}(/\\.\\.\\.)?");
  static final Pattern GIT_URL =
      Pattern.compile(NO_DOT_DOT_SEGMENT + "(https?|ssh|git|file)://[A-Za-z0-9._~:/@%+-]{1,500}");

  public ProjectSource {
    if ("perforce".equals(type)) {
      Validation.require("source.depotPath", depotPath, DEPOT_PATH, "a depot path like //depot/project/...");
      if (url != null) {
        throw new InvalidRequestException("source.url", "a perforce source takes depotPath, not url");
      }
    } else if ("git".equals(type)) {
      Validation.require("source.url", url, GIT_URL, "an http(s), ssh, git or file URL without spaces or shell characters");
      if (depotPath != null) {
        throw new InvalidRequestException("source.depotPath", "a git source takes url, not depotPath");
      }
    } else {
      throw new InvalidRequestException("source.type", "source.type must be perforce or git");
    }
  }
}
