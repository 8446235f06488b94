package io.a4c.functions.hostauth;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.a4c.events.BuildClaim;
import io.a4c.events.CallerProof;
import io.a4c.events.HostEventSignatures;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.SecretKey;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Provider;
import javax.inject.Singleton;

/**
 * Checks that a host event, or a build claim, was sent by the host it names, so a host can act only
 * for itself.
 *
 * <ul>
 *   <li>{@code sender-id} (AWS): SQS stamps every message with the sender's principal id; for a
 *       host daemon that is its role session, {@code <roleId>:<sessionName>}. The daemon's role
 *       session name is its host id (the role's trust policy insists on it), so the session name
 *       must equal the event's host id, and — when the role ids are configured — the role id must
 *       be that host's own role. A daemon can neither forge nor pick its SenderId.
 *   <li>{@code signature} (local runtime, where ElasticMQ stamps no sender): the message carries an
 *       HMAC of its body made with the sending host's own key; it must verify with the key of the
 *       host the event names.
 * </ul>
 *
 * A build claim is a Lambda invoke, which carries no sender, so it carries its own {@link
 * CallerProof}: in {@code sender-id} mode a presigned STS {@code GetCallerIdentity} whose answer
 * ({@link StsCallerIdentity}) is checked by the same rules as a SenderId; in {@code signature} mode
 * an HMAC of the claim with the host's key. Thread-safe; pure but for that STS call.
 */
@Singleton
public final class HostEventSenders {
  /** The SQS system attribute holding the sender's principal id. */
  public static final String SENDER_ID = "SenderId";

  private final FunctionsConfig.HostAuth mode;
  private final Map<String, String> roleIds;
  private final Map<String, SecretKey> keys;
  private final Provider<StsCallerIdentity> sts;

  /**
   * @param sts made only when a claim's proof is checked in {@code sender-id} mode, so the
   *     host-events consumer never builds it
   */
  @Inject
  public HostEventSenders(FunctionsConfig config, Provider<StsCallerIdentity> sts) {
    this.sts = sts;
    this.mode = config.security().hostAuth();
    this.roleIds = config.security().hostRoleIds();
    this.keys = config.security().hostEventKeys();
  }

  /**
   * Why the message may not speak for {@code hostId}; empty when its sender is that host.
   *
   * @return a short reason for logs and the audit trail (no secret in it)
   */
  public Optional<String> refusal(SQSEvent.SQSMessage message, String hostId) {
    return switch (mode) {
      case SENDER_ID ->
          bySenderId(
              message.getAttributes() == null ? null : message.getAttributes().get(SENDER_ID),
              hostId);
      case SIGNATURE -> bySignature(message, hostId);
    };
  }

  /**
   * Why {@code claim} may not speak for its {@code hostId}; empty when its proof shows that host
   * sent it. A claim without a proof (a daemon from before proofs) is refused.
   *
   * @return a short reason for logs and the audit trail (no secret in it)
   * @throws java.io.UncheckedIOException when STS cannot be asked (the claim is retried later)
   */
  public Optional<String> refusal(BuildClaim claim) {
    CallerProof proof = claim.proof();
    if (proof == null) {
      return Optional.of("the claim carries no proof of its sender");
    }
    return switch (mode) {
      case SENDER_ID -> {
        if (proof.callerIdentity() == null) {
          yield Optional.of("the claim's proof is not a presigned caller identity");
        }
        var answer = sts.get().identify(proof.callerIdentity(), claim.digest());
        yield answer.refusal() != null
            ? Optional.of(answer.refusal())
            : bySenderId(answer.principalId(), claim.hostId());
      }
      case SIGNATURE -> {
        SecretKey key = keys.get(claim.hostId());
        if (key == null) {
          yield Optional.of("no event key is configured for host " + claim.hostId());
        }
        yield HostEventSignatures.verify(key.bytes(), claim.signedText(), proof.signature())
            ? Optional.empty()
            : Optional.of("the claim's signature is not host " + claim.hostId() + "'s");
      }
    };
  }

  private Optional<String> bySenderId(String senderId, String hostId) {
    if (senderId == null || senderId.isBlank()) {
      return Optional.of("the message has no SenderId");
    }
    int colon = senderId.indexOf(':');
    if (colon < 0 || !senderId.startsWith("AROA")) {
      return Optional.of("sender " + senderId + " is not a host role session");
    }
    String roleId = senderId.substring(0, colon);
    String session = senderId.substring(colon + 1);
    if (!session.equals(hostId)) {
      return Optional.of("sender session " + session + " is not host " + hostId);
    }
    if (!roleIds.isEmpty() && !roleId.equals(roleIds.get(hostId))) {
      return Optional.of("sender role " + roleId + " is not the role of host " + hostId);
    }
    return Optional.empty();
  }

  private Optional<String> bySignature(SQSEvent.SQSMessage message, String hostId) {
    SecretKey key = keys.get(hostId);
    if (key == null) {
      return Optional.of("no event key is configured for host " + hostId);
    }
    var attributes = message.getMessageAttributes();
    var attribute = attributes == null ? null : attributes.get(HostEventSignatures.ATTRIBUTE);
    String signature = attribute == null ? null : attribute.getStringValue();
    if (signature == null) {
      return Optional.of("the message is not signed");
    }
    if (!HostEventSignatures.verify(key.bytes(), message.getBody(), signature)) {
      return Optional.of("the signature is not host " + hostId + "'s");
    }
    return Optional.empty();
  }
}
