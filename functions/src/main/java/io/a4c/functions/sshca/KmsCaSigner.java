package io.a4c.functions.sshca;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import javax.inject.Provider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * The CA key in AWS: an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) made by the CDK stack. KMS
 * signs; the private key never leaves it, and the functions' role may only Sign and GetPublicKey
 * with this one key. The public key is read once per function instance.
 */
final class KmsCaSigner implements CaSigner {
  private final Provider<KmsClient> kms;
  private final String keyId;
  private volatile ECPublicKey publicKey;

  KmsCaSigner(Provider<KmsClient> kms, String keyId) {
    this.kms = kms;
    this.keyId = keyId;
  }

  @Override
  public ECPublicKey publicKey() {
    ECPublicKey key = publicKey;
    if (key == null) {
      byte[] der = kms.get().getPublicKey(r -> r.keyId(keyId)).publicKey().asByteArray();
      try {
        key =
            (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException | ClassCastException e) {
        throw new IllegalStateException("KMS key " + keyId + " is not an EC key", e);
      }
      publicKey = key;
    }
    return key;
  }

  @Override
  public byte[] sign(byte[] data) {
    return kms.get()
        .sign(
            r ->
                r.keyId(keyId)
                    .message(SdkBytes.fromByteArray(data))
                    .messageType(MessageType.RAW)
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256))
        .signature()
        .asByteArray();
  }
}
