package io.a4c.daemon.ssh;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.OptionalLong;

/**
 * Reads what the daemon needs of an OpenSSH host certificate line ({@code PROTOCOL.certkeys}): when
 * it became valid, which orders two certificates of one workspace — each create the sweep sends
 * again carries a newly issued one. Only A4C's kind, {@code ssh-ed25519-cert-v01@openssh.com}, is
 * read; the signature is not checked (sshd and the clients do that).
 */
public final class HostCertificates {
  private static final String ED25519_CERT = "ssh-ed25519-cert-v01@openssh.com";

  private HostCertificates() {}

  /**
   * The certificate's valid-after, in seconds since the epoch; empty for a line that is not an
   * ed25519 certificate, or is cut short.
   */
  public static OptionalLong validAfter(String line) {
    String[] parts = line.strip().split(" ");
    if (parts.length < 2 || !ED25519_CERT.equals(parts[0])) {
      return OptionalLong.empty();
    }
    try {
      var blob = ByteBuffer.wrap(Base64.getDecoder().decode(parts[1]));
      if (!ED25519_CERT.equals(
          new String(string(blob), java.nio.charset.StandardCharsets.US_ASCII))) {
        return OptionalLong.empty();
      }
      string(blob); // nonce
      string(blob); // the public key
      blob.getLong(); // serial
      blob.getInt(); // type: host or user
      string(blob); // key id
      string(blob); // principals
      return OptionalLong.of(blob.getLong());
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      return OptionalLong.empty();
    }
  }

  /** One SSH {@code string}: a uint32 length and that many bytes. */
  private static byte[] string(ByteBuffer blob) {
    int length = blob.getInt();
    if (length < 0 || length > blob.remaining()) {
      throw new BufferUnderflowException();
    }
    byte[] bytes = new byte[length];
    blob.get(bytes);
    return bytes;
  }
}
