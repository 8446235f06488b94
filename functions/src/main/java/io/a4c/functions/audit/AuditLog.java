package io.a4c.functions.audit;

import io.a4c.functions.dynamo.Timestamps;
import io.a4c.functions.http.PageTokens;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and reads the audit trail. Services record an action after it took effect; a failed write
 * does not undo the action (it happened) but is logged at ERROR with the whole entry, so the log is
 * the trail of last resort. Only admins read it ({@code GET /v1/audit}). Thread-safe.
 */
@Singleton
public final class AuditLog {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  /** What an entry id looks like; a page token must name one. */
  static final Pattern ENTRY_ID =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z#[0-9a-f]{12}");

  private final AuditStore store;
  private final PageTokens tokens;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  @Inject
  public AuditLog(AuditStore store, PageTokens tokens, Clock clock) {
    this.store = store;
    this.tokens = tokens;
    this.clock = clock;
  }

  /**
   * Records that {@code origin} did {@code action} to {@code target}.
   *
   * @param userId whose resource it was, or null
   * @param details a few names; never tokens, keys or bodies
   */
  public void record(
      Origin origin, String action, String userId, String target, Map<String, String> details) {
    Instant at = clock.instant();
    byte[] noise = new byte[6];
    random.nextBytes(noise);
    var entry =
        new AuditEntry(
            Timestamps.format(at) + "#" + HexFormat.of().formatHex(noise),
            at,
            action,
            origin.actor(),
            origin.admin(),
            userId,
            target,
            origin.requestId(),
            origin.sourceIp(),
            details);
    try {
      store.put(entry);
    } catch (RuntimeException e) {
      log.atError()
          .addKeyValue("audit", entry)
          .setCause(e)
          .log("audit entry not written; this line stands in for it");
    }
  }

  /** One page, newest first, of one user's entries or (null) everyone's. */
  public AuditPage page(String userId, int limit, String nextToken) {
    String scope = "audit/" + (userId == null ? "*" : userId);
    var page = store.page(userId, limit, tokens.open(scope, nextToken, ENTRY_ID));
    return new AuditPage(page.items(), tokens.seal(scope, page.lastEntryId()));
  }
}
