package io.a4c.daemon.workspaces;

import io.a4c.daemon.config.DaemonConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The hostname entries of this host's workspaces, kept as a hosts(5) file ({@code <dataDir>/hosts})
 * that a resolver such as dnsmasq ({@code addn-hosts}) serves. Each line ends with the workspace
 * id, so entries are found and replaced by workspace. Rewritten atomically (a temporary file
 * renamed over it); a temporary file a failed write or a killed daemon left is removed, by the
 * write itself or when the next daemon starts. Thread-safe.
 */
@Singleton
public final class HostnameEntries {
  /** One entry. */
  public record Entry(String ip, String hostname) {}

  private static final String TEMP_PREFIX = "hosts";
  private static final String TEMP_SUFFIX = ".tmp";

  private final Path file;

  @Inject
  public HostnameEntries(DaemonConfig config) {
    this.file = config.dataDir().resolve("hosts");
    removeLeftovers();
  }

  /** Removes the temporary files of writes that never reached their rename (a killed daemon). */
  private void removeLeftovers() {
    if (!Files.isDirectory(file.getParent())) {
      return;
    }
    try (var leftovers =
        Files.newDirectoryStream(file.getParent(), TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
      for (Path leftover : leftovers) {
        Files.deleteIfExists(leftover);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the unfinished writes of " + file, e);
    }
  }

  /** Adds or replaces the workspace's entry. */
  public synchronized void put(String workspaceId, String ip, String hostname) {
    var entries = read();
    entries.put(workspaceId, new Entry(ip, hostname));
    write(entries);
  }

  /** Removes the workspace's entry, if any. */
  public synchronized void remove(String workspaceId) {
    var entries = read();
    if (entries.remove(workspaceId) != null) {
      write(entries);
    }
  }

  /** The workspace's entry, if any. */
  public synchronized Entry get(String workspaceId) {
    return read().get(workspaceId);
  }

  /** Every entry by workspace id. */
  public synchronized Map<String, Entry> all() {
    return read();
  }

  private Map<String, Entry> read() {
    Map<String, Entry> entries = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return entries;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        // <ip> <fqdn> <short> # <workspaceId>
        int hash = line.indexOf('#');
        if (hash < 0) {
          continue;
        }
        String[] fields = line.substring(0, hash).trim().split("\\s+");
        if (fields.length >= 2) {
          entries.put(line.substring(hash + 1).trim(), new Entry(fields[0], fields[1]));
        }
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private void write(Map<String, Entry> entries) {
    var text = new StringBuilder("# A4C workspace hostnames; written by the host daemon\n");
    entries.forEach(
        (workspaceId, entry) ->
            text.append(entry.ip())
                .append(' ')
                .append(entry.hostname())
                .append(' ')
                .append(entry.hostname().split("\\.", 2)[0])
                .append(" # ")
                .append(workspaceId)
                .append('\n'));
    Path temp = null;
    try {
      Files.createDirectories(file.getParent());
      temp = Files.createTempFile(file.getParent(), TEMP_PREFIX, TEMP_SUFFIX);
      Files.writeString(temp, text);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
