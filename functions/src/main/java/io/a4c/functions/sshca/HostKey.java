package io.a4c.functions.sshca;

/**
 * A workspace's SSH host key, made at create, and its certificate.
 *
 * @param privateKey the ed25519 private key, OpenSSH format; goes to the workspace's host only
 * @param publicKey the public key, one OpenSSH line ({@code ssh-ed25519 AAAA…})
 * @param certificate the host certificate, one OpenSSH line
 * @param fingerprint the public key's SHA256 fingerprint as {@code ssh-keygen -l} prints it
 */
public record HostKey(String privateKey, String publicKey, String certificate, String fingerprint) {
  @Override
  public String toString() {
    return "HostKey[" + fingerprint + "]";
  }
}
