package io.a4c.events;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a workspace's container is set up for SSH: the user's login and keys, and the workspace's own
 * host key with its certificate, signed by the A4C SSH certificate authority in the control plane.
 * The host key is made for this workspace alone and travels only in its host's encrypted command
 * queue; {@link #toString()} leaves it out, so no log line carries it.
 *
 * @param login the user's login
 * @param authorizedKeys the user's public keys, one OpenSSH line each ({@code type base64
 *     [comment]}, no options)
 * @param keysRevision the revision of the user's key set these keys are; a host never replaces
 *     newer keys by older ones
 * @param hostPrivateKey the workspace's ed25519 host key, OpenSSH private key format
 * @param hostCertificate the host key's certificate, one OpenSSH line
 */
public record SshAccess(
    WorkspaceLogin login,
    List<String> authorizedKeys,
    long keysRevision,
    String hostPrivateKey,
    String hostCertificate) {
  /**
   * One authorized_keys line as A4C writes it: a key type, its base64 blob and an optional comment
   * of printable characters. No options ({@code command=}, {@code from=}…) can precede the type.
   */
  public static final Pattern AUTHORIZED_KEY =
      Pattern.compile(
          "(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com"
              + "|sk-ecdsa-sha2-nistp256@openssh\\.com) [A-Za-z0-9+/]{16,2048}={0,2}"
              + "( [\\x21-\\x7E][\\x20-\\x7E]{0,199})?");

  /** A certificate line: the certificate type and its base64 blob. */
  public static final Pattern CERTIFICATE =
      Pattern.compile(
          "[a-z0-9-]+-cert-v01@openssh\\.com [A-Za-z0-9+/]{16,8192}={0,2}( [\\x21-\\x7E]{1,100})?");

  private static final String PRIVATE_KEY_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";

  public SshAccess {
    Objects.requireNonNull(login, "login");
    authorizedKeys = requireKeys(authorizedKeys);
    if (keysRevision < 0) {
      throw new IllegalArgumentException("keysRevision must not be negative");
    }
    if (hostPrivateKey == null || !hostPrivateKey.startsWith(PRIVATE_KEY_BEGIN)) {
      throw new IllegalArgumentException("hostPrivateKey is missing or malformed");
    }
    Names.require("hostCertificate", hostCertificate, CERTIFICATE);
  }

  /** The keys, each checked against {@link #AUTHORIZED_KEY}. */
  static List<String> requireKeys(List<String> keys) {
    var copy = List.copyOf(Objects.requireNonNullElse(keys, List.of()));
    copy.forEach(key -> Names.require("authorizedKeys", key, AUTHORIZED_KEY));
    return copy;
  }

  @Override
  public String toString() {
    return "SshAccess[login="
        + login
        + ", authorizedKeys="
        + authorizedKeys.size()
        + ", keysRevision="
        + keysRevision
        + ", hostCertificate="
        + hostCertificate
        + "]";
  }
}
