package io.a4c.functions.sshca;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * A CA key held in two files, {@code <path>} (the PKCS#8 private key, base64) and {@code
 * <path>.pub} (the X.509 public key, base64): the local runtime's, made by it on first start in its
 * data directory, readable by its owner only.
 */
final class KeyFileCaSigner implements CaSigner {
  private final PrivateKey privateKey;
  private final ECPublicKey publicKey;

  KeyFileCaSigner(Path path) {
    try {
      var keys = KeyFactory.getInstance("EC");
      this.privateKey =
          keys.generatePrivate(new PKCS8EncodedKeySpec(decode(Files.readString(path))));
      this.publicKey =
          (ECPublicKey)
              keys.generatePublic(
                  new X509EncodedKeySpec(
                      decode(Files.readString(path.resolveSibling(path.getFileName() + ".pub")))));
      if (!(privateKey instanceof ECPrivateKey ec)
          || ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new IllegalStateException("the SSH CA key in " + path + " is not a P-256 key");
      }
      // Refuse a public key file that belongs to another key: sign and verify once.
      var verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(publicKey);
      byte[] probe = "a4c ssh ca".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      verifier.update(probe);
      if (!verifier.verify(sign(probe))) {
        throw new IllegalStateException("the SSH CA key " + path + ".pub is not its public key");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the SSH CA key " + path, e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("the SSH CA key " + path + " is malformed", e);
    }
  }

  private static byte[] decode(String base64) {
    return Base64.getMimeDecoder().decode(base64.trim());
  }

  @Override
  public ECPublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] data) {
    try {
      var signature = Signature.getInstance("SHA256withECDSA");
      signature.initSign(privateKey);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the SSH CA could not sign", e);
    }
  }
}
