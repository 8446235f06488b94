package io.a4c.daemon.builds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildSource;
import io.a4c.events.Names;
import io.a4c.events.Redaction;
import io.a4c.events.WorkspaceLogin;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Renders a build's Dockerfile from the template {@code Dockerfile.mustache} (JMustache) and the
 * job's spec: base image, the tools the base lacks installed with apt-get, the sources (owned by
 * the workspace group, group-writable), the setup steps.
 *
 * <p>Nothing reaches the text unchecked: every value has matched its rule in the job's contract (no
 * shell characters in tools, change, depot path or URL), and is checked again here. Setup steps,
 * the tools' install and the Perforce sync are written in exec form, as JSON arrays, and values
 * reach a fixed script only as positional arguments, so no Dockerfile or shell parsing of those
 * lines can be steered by their content. Thread-safe.
 */
@Singleton
public final class DockerfileTemplate {
  /** The change label of a Perforce build of the newest change. */
  public static final String HEAD = Names.PERFORCE_HEAD;

  private static final String RESOURCE = "/io/a4c/daemon/builds/Dockerfile.mustache";

  private final Template template;
  private final ObjectMapper json;

  @Inject
  public DockerfileTemplate(ObjectMapper json) {
    this.json = json;
    try (InputStream in =
            Objects.requireNonNull(
                DockerfileTemplate.class.getResourceAsStream(RESOURCE), RESOURCE);
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      // Values are checked, not escaped: HTML escaping would only corrupt them.
      this.template = Mustache.compiler().escapeHTML(false).strictSections(false).compile(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /**
   * The Dockerfile of a job.
   *
   * @param change the change to build: the job's, or the one the builder resolved
   * @param commit for git sources: the commit checked out into {@code src/}
   */
  public String render(BuildJob job, String change, String commit) {
    Names.require("change", change, Names.CHANGE);
    var spec = job.spec();
    Map<String, Object> values = new HashMap<>();
    values.put("project", Names.require("projectName", job.projectName(), Names.PROJECT_NAME));
    values.put("parent", Names.require("parentName", job.parentName(), Names.PARENT_NAME));
    values.put("arch", job.arch().wireName());
    values.put("change", change);
    values.put("scheduleId", Names.require("scheduleId", job.scheduleId(), Names.SCHEDULE_ID));
    values.put("baseImage", Names.require("baseImage", spec.baseImage(), Names.IMAGE_REF));
    if (!spec.tools().isEmpty()) {
      spec.tools().forEach(tool -> Names.require("tools", tool, Names.TOOL));
      values.put(
          "tools",
          Map.of(
              "list",
              String.join(" ", spec.tools()),
              "installCommand",
              execForm(installTools(spec.tools()))));
    }
    BuildSource source = spec.source();
    if (source.isGit()) {
      values.put(
          "git",
          Map.of(
              "url",
              // Only a comment, and the Dockerfile is in the build log: credentials masked.
              Redaction.url(Names.require("source.url", source.url(), Names.GIT_URL)),
              "commit",
              Names.require("commit", commit, Names.CHANGE),
              "gid",
              Integer.toString(WorkspaceLogin.GROUP_ID)));
    } else {
      values.put(
          "perforce",
          Map.of(
              "syncCommand", execForm(sharedSync(perforceSync(source, job.parentName(), change)))));
    }
    values.put(
        "setup",
        spec.setup().stream()
            .map(
                step ->
                    Map.of(
                        "command",
                        execForm(
                            List.of(
                                "/bin/sh",
                                "-c",
                                Names.require("setup", step, Names.SETUP_COMMAND)))))
            .toList());
    return template.execute(values);
  }

  /**
   * The Perforce sync of the parent's stream at a change: {@link #PERFORCE_SYNC} with the stream's
   * path ({@code //depot/project/<parent>/...}) and the change as its arguments, which first checks
   * with {@code p4 changes} that the change is a submitted change of that stream — else the build
   * fails saying so — and then runs {@code p4 sync <path>@<change>}; {@code p4 sync <path>#head}
   * for {@link #HEAD} (a recurring build of the newest change). The project's depot path is where
   * its parents' streams are (a trailing {@code /...} is dropped), and only the build's parent is
   * synced: whatever change a user names, the image holds that parent's files and no other
   * stream's. The change must be a number or {@link #HEAD} ({@link Names#PERFORCE_CHANGE}): no
   * label, whose place among the stream's changes could not be known.
   */
  public static List<String> perforceSync(BuildSource source, String parent, String change) {
    String depotPath = Names.require("source.depotPath", source.depotPath(), Names.DEPOT_PATH);
    String root =
        depotPath.endsWith("/...")
            ? depotPath.substring(0, depotPath.length() - "/...".length())
            : depotPath;
    String stream = root + "/" + Names.require("parentName", parent, Names.PARENT_NAME) + "/...";
    return List.of(
        "/bin/sh",
        "-c",
        PERFORCE_SYNC,
        "p4-sync",
        Names.require("source.depotPath", stream, Names.DEPOT_PATH),
        Names.require("change", change, Names.PERFORCE_CHANGE));
  }

  // $1: the stream's path, $2: the change number or head. p4 changes -m1 -s submitted PATH@N,@N
  // lists change N only if it is submitted and touches a file under PATH; -ztag -F %change% prints
  // just its number.
  static final String PERFORCE_SYNC =
      "path=\"$1\"; change=\"$2\";"
          + " if [ \"$change\" = head ]; then exec p4 sync \"$path#head\"; fi;"
          + " found=\"$(p4 -ztag -F %change% changes -m1 -s submitted \"$path@$change,@$change\")\""
          + " || exit 1;"
          + " if [ \"$found\" != \"$change\" ]; then"
          + " echo \"a4c: change $change is not a submitted change of $path\" >&2; exit 1; fi;"
          + " exec p4 sync \"$path@$change\"";

  /**
   * Installs those of {@code tools} that are not installed yet: {@code apt-get update} and {@code
   * install} run only when one is missing, so a base image that has them all (the local fleet's
   * {@code a4c-base:bookworm}) builds without the network. The tools are the script's positional
   * arguments, never part of its text.
   */
  static List<String> installTools(List<String> tools) {
    var command = new ArrayList<String>(List.of("/bin/sh", "-c", INSTALL_MISSING, "install-tools"));
    command.addAll(tools);
    return command;
  }

  /**
   * Runs a sync command ({@code argv}) in {@code /src} and then gives {@code /src} to the workspace
   * group, group-writable, in the same {@code RUN}, so the sources take one layer. The command's
   * words are positional arguments of a fixed script, never spliced into it.
   */
  static List<String> sharedSync(List<String> argv) {
    var command = new ArrayList<String>(List.of("/bin/sh", "-c", SHARE_SOURCES, "sync-sources"));
    command.addAll(argv);
    return command;
  }

  // $@: the tools. dpkg-query rather than dpkg -s, which also succeeds for a removed package whose
  // configuration files remain.
  private static final String INSTALL_MISSING =
      "missing=''; for tool in \"$@\"; do"
          + " [ \"$(dpkg-query -W -f='${db:Status-Status}' \"$tool\" 2>/dev/null)\" = installed ]"
          + " || missing=\"$missing $tool\"; done;"
          + " if [ -z \"$missing\" ]; then echo \"a4c: tools already installed: $*\"; else"
          + " echo \"a4c: installing:$missing\" && apt-get update"
          + " && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing"
          + " && rm -rf /var/lib/apt/lists/*; fi";

  // $@: the sync command and its arguments.
  private static final String SHARE_SOURCES =
      "\"$@\" && chgrp -R " + WorkspaceLogin.GROUP_ID + " /src && chmod -R g+w /src";

  private String execForm(List<String> command) {
    try {
      return json.writeValueAsString(command);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("command could not be written", e);
    }
  }
}
