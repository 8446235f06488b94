package io.a4c.functions.builds;

import io.a4c.events.BuildClaim;
import io.a4c.events.BuildClaimAnswer;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.hostauth.HostEventSenders;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build-claim function's work: a claim is put to the {@link BuildLease} only when its proof
 * shows that the host it names sent it ({@link HostEventSenders#refusal(BuildClaim)}). A claim in
 * another host's name, or with no proof, is refused before it reads or writes any build, logged,
 * and audited as {@code build-claim.rejected}. Thread-safe.
 */
@Singleton
public final class BuildClaimDoor {
  private static final Logger log = LoggerFactory.getLogger(BuildClaimDoor.class);

  private final HostEventSenders senders;
  private final BuildLease lease;
  private final AuditLog audit;

  @Inject
  public BuildClaimDoor(HostEventSenders senders, BuildLease lease, AuditLog audit) {
    this.senders = senders;
    this.lease = lease;
    this.audit = audit;
  }

  /**
   * Grants or refuses a claim.
   *
   * @throws java.io.UncheckedIOException when the sender cannot be checked now (STS unreachable):
   *     the function fails and the builder leaves the job for a later delivery
   */
  public BuildClaimAnswer claim(BuildClaim claim) {
    var refusal = senders.refusal(claim);
    if (refusal.isEmpty()) {
      return lease.claim(claim);
    }
    log.atWarn()
        .addKeyValue("scheduleId", claim.scheduleId())
        .addKeyValue("claimedHostId", claim.hostId())
        .addKeyValue("workerId", claim.workerId())
        .addKeyValue("why", refusal.get())
        .log("build claim from a sender that is not its host; refused");
    audit.record(
        new Origin("unverified-sender", false, null, null),
        "build-claim.rejected",
        claim.userId(),
        "host:" + claim.hostId(),
        Map.of(
            "scheduleId", claim.scheduleId(), "workerId", claim.workerId(), "why", refusal.get()));
    return BuildClaimAnswer.refuse(
        null,
        "the claim's sender is not shown to be host " + claim.hostId() + ": " + refusal.get());
  }
}
