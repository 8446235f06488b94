package io.a4c.functions.sshca;

import java.security.interfaces.ECPublicKey;

/**
 * The A4C SSH certificate authority's P-256 key, which signs but never shows its private half: in
 * AWS a KMS key ({@link KmsCaSigner}; the private key never leaves KMS), locally a key file in the
 * runtime's data directory ({@link KeyFileCaSigner}).
 */
interface CaSigner {
  /** The CA's public key. */
  ECPublicKey publicKey();

  /** An ECDSA P-256 SHA-256 signature of {@code data}, DER-encoded. */
  byte[] sign(byte[] data);
}
