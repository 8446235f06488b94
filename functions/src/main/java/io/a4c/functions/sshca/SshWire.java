package io.a4c.functions.sshca;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.util.Arrays;

/**
 * SSH's wire encoding (RFC 4251 §5) of the few values a certificate authority writes: strings,
 * integers, mpints and the public key blobs of ed25519 (RFC 8709) and ecdsa-sha2-nistp256 (RFC
 * 5656). OpenSSH itself reads everything written here: {@code SshCertificateAuthorityTest} has
 * {@code ssh-keygen} check it, and the end-to-end tests have {@code ssh} and {@code sshd} use it.
 */
final class SshWire {
  static final String ED25519 = "ssh-ed25519";
  static final String ECDSA_P256 = "ecdsa-sha2-nistp256";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  SshWire string(String value) {
    return string(value.getBytes(StandardCharsets.UTF_8));
  }

  SshWire string(byte[] value) {
    uint32(value.length);
    out.writeBytes(value);
    return this;
  }

  SshWire raw(byte[] value) {
    out.writeBytes(value);
    return this;
  }

  SshWire uint32(long value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.write((int) (value >>> shift) & 0xff);
    }
    return this;
  }

  SshWire uint64(long value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (value >>> shift) & 0xff);
    }
    return this;
  }

  /** A two's-complement big-endian integer, shortest form, as {@code BigInteger} writes it. */
  SshWire mpint(BigInteger value) {
    return value.signum() == 0 ? uint32(0) : string(value.toByteArray());
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** The public key blob of an ed25519 key given by its 32 raw bytes. */
  static byte[] ed25519Blob(byte[] publicKey) {
    return new SshWire().string(ED25519).string(publicKey).bytes();
  }

  /** The public key blob of a P-256 key: its curve name and uncompressed point. */
  static byte[] p256Blob(ECPublicKey key) {
    return new SshWire().string(ECDSA_P256).string("nistp256").string(point(key.getW())).bytes();
  }

  /**
   * An ecdsa-sha2-nistp256 signature blob from the DER {@code SEQUENCE {r, s}} that JCA and KMS
   * return: the algorithm name, then r and s as mpints.
   */
  static byte[] p256Signature(byte[] der) {
    BigInteger[] rs = derIntegers(der);
    byte[] inner = new SshWire().mpint(rs[0]).mpint(rs[1]).bytes();
    return new SshWire().string(ECDSA_P256).string(inner).bytes();
  }

  private static byte[] point(ECPoint w) {
    byte[] encoded = new byte[65];
    encoded[0] = 4;
    copyFixed(w.getAffineX(), encoded, 1);
    copyFixed(w.getAffineY(), encoded, 33);
    return encoded;
  }

  private static void copyFixed(BigInteger value, byte[] target, int at) {
    byte[] bytes = value.toByteArray();
    int skip = bytes.length > 32 ? bytes.length - 32 : 0;
    int length = bytes.length - skip;
    System.arraycopy(bytes, skip, target, at + 32 - length, length);
  }

  /** The two INTEGERs of a DER ECDSA signature. */
  private static BigInteger[] derIntegers(byte[] der) {
    int[] at = {0};
    expect(der, at, 0x30);
    length(der, at);
    BigInteger[] result = new BigInteger[2];
    for (int i = 0; i < 2; i++) {
      expect(der, at, 0x02);
      int length = length(der, at);
      result[i] = new BigInteger(Arrays.copyOfRange(der, at[0], at[0] + length));
      at[0] += length;
    }
    return result;
  }

  private static void expect(byte[] der, int[] at, int tag) {
    if (at[0] >= der.length || (der[at[0]++] & 0xff) != tag) {
      throw new IllegalArgumentException("not a DER ECDSA signature");
    }
  }

  private static int length(byte[] der, int[] at) {
    int first = der[at[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int length = 0;
    for (int i = 0; i < (first & 0x7f); i++) {
      length = (length << 8) | (der[at[0]++] & 0xff);
    }
    return length;
  }
}
