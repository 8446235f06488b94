package io.a4c.functions.sshca;

import io.a4c.functions.config.FunctionsConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Provider;
import javax.inject.Singleton;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A4C's SSH certificate authority: makes each workspace's ed25519 host key at create and signs it
 * as a host certificate for the workspace's hostname, so a developer who trusts the CA once (the
 * {@link #knownHostsLine()} in their {@code known_hosts}) is never asked to trust a workspace's key
 * by hand. The CA's private key stays in the control plane ({@link CaSigner}). Without a CA
 * configured, {@link #enabled()} is false and workspaces are made without SSH.
 *
 * <p>The OpenSSH formats are written here with {@link SshWire} because no library writes a
 * certificate signed by a key it cannot hold (KMS); OpenSSH's own tools check the output in the
 * tests.
 */
@Singleton
public final class SshCertificateAuthority {
  /** The comment of the CA's key in the known_hosts line. */
  static final String CA_NAME = "a4c-ssh-ca";

  private static final String CERT_TYPE = "ssh-ed25519-cert-v01@openssh.com";
  private static final int HOST_CERTIFICATE = 2;

  /** Clock skew between the control plane and a developer machine that a new cert tolerates. */
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  /**
   * Valid until: forever (uint64 max). A certificate names one workspace id, and ids are never
   * reused, so it cannot vouch for another machine; it dies with its workspace's key.
   */
  private static final long FOREVER = -1L;

  private final Optional<CaSigner> signer;
  private final String domain;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  @Inject
  public SshCertificateAuthority(FunctionsConfig config, Provider<KmsClient> kms, Clock clock) {
    this(signerOf(config.ssh(), kms), config.workspaceDomain(), clock);
  }

  SshCertificateAuthority(Optional<CaSigner> signer, String domain, Clock clock) {
    this.signer = signer;
    this.domain = domain;
    this.clock = clock;
  }

  private static Optional<CaSigner> signerOf(FunctionsConfig.Ssh ssh, Provider<KmsClient> kms) {
    if (ssh.caKmsKeyId().isPresent()) {
      return Optional.of(new KmsCaSigner(kms, ssh.caKmsKeyId().get()));
    }
    return ssh.caKeyFile().map(KeyFileCaSigner::new);
  }

  /** Whether a CA is configured; without one, workspaces get no SSH. */
  public boolean enabled() {
    return signer.isPresent();
  }

  /**
   * The line a developer puts in {@code known_hosts}: trust host certificates this CA signed for
   * any name under the workspace domain.
   */
  public String knownHostsLine() {
    return "@cert-authority *."
        + domain
        + " "
        + SshWire.ECDSA_P256
        + " "
        + Base64.getEncoder().encodeToString(SshWire.p256Blob(signer().publicKey()))
        + " "
        + CA_NAME;
  }

  /** A new host key for the workspace at {@code hostname}, certified for that name. */
  public HostKey issueHostKey(String workspaceId, String hostname) {
    var pair = ed25519();
    byte[] publicKey = pair[0];
    byte[] seed = pair[1];
    byte[] blob = SshWire.ed25519Blob(publicKey);
    String publicLine = SshWire.ED25519 + " " + Base64.getEncoder().encodeToString(blob);
    return new HostKey(
        privateKeyFile(publicKey, seed, hostname),
        publicLine,
        certificate(publicKey, workspaceId, hostname),
        fingerprint(blob));
  }

  /** {@code SHA256:<base64, no padding>} of a public key blob, as OpenSSH prints it. */
  public static String fingerprint(byte[] blob) {
    try {
      return "SHA256:"
          + Base64.getEncoder()
              .withoutPadding()
              .encodeToString(MessageDigest.getInstance("SHA-256").digest(blob));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fingerprint of a public key line ({@code type base64 [comment]}). */
  public static String fingerprintOfLine(String publicKeyLine) {
    return fingerprint(Base64.getDecoder().decode(publicKeyLine.split(" ")[1]));
  }

  private CaSigner signer() {
    return signer.orElseThrow(() -> new IllegalStateException("no SSH CA is configured"));
  }

  /** The raw public key and the private seed of a new ed25519 key (the JDK makes it). */
  private byte[][] ed25519() {
    try {
      var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] encoded = pair.getPublic().getEncoded(); // X.509: a fixed prefix, then the 32 bytes
      byte[] publicKey = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
      byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
      return new byte[][] {publicKey, seed};
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make ed25519 keys", e);
    }
  }

  /** OpenSSH's private key file ({@code PROTOCOL.key}), unencrypted: the host keeps it 0600. */
  private String privateKeyFile(byte[] publicKey, byte[] seed, String comment) {
    int check = random.nextInt();
    byte[] secret = new byte[64];
    System.arraycopy(seed, 0, secret, 0, 32);
    System.arraycopy(publicKey, 0, secret, 32, 32);
    var section =
        new SshWire()
            .uint32(check)
            .uint32(check)
            .string(SshWire.ED25519)
            .string(publicKey)
            .string(secret)
            .string(comment);
    var padded = new ByteArrayOutputStream();
    padded.writeBytes(section.bytes());
    for (int pad = 1; padded.size() % 8 != 0; pad++) {
      padded.write(pad);
    }
    byte[] file =
        new SshWire()
            .raw("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII))
            .string("none")
            .string("none")
            .string(new byte[0])
            .uint32(1)
            .string(SshWire.ed25519Blob(publicKey))
            .string(padded.toByteArray())
            .bytes();
    Arrays.fill(secret, (byte) 0);
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(70, new byte[] {'\n'}).encodeToString(file)
        + "\n-----END OPENSSH PRIVATE KEY-----\n";
  }

  /** A host certificate ({@code PROTOCOL.certkeys}) for the workspace's names, signed by the CA. */
  private String certificate(byte[] publicKey, String workspaceId, String hostname) {
    byte[] nonce = new byte[32];
    random.nextBytes(nonce);
    var principals = new SshWire();
    for (String name : List.of(hostname, workspaceId)) {
      principals.string(name);
    }
    var signer = signer();
    byte[] signed =
        new SshWire()
            .string(CERT_TYPE)
            .string(nonce)
            .string(publicKey)
            .uint64(random.nextLong() & Long.MAX_VALUE)
            .uint32(HOST_CERTIFICATE)
            .string("a4c:" + hostname)
            .string(principals.bytes())
            .uint64(clock.instant().minus(BACKDATE).getEpochSecond())
            .uint64(FOREVER)
            .string(new byte[0]) // critical options: none for host certificates
            .string(new byte[0]) // extensions: none for host certificates
            .string(new byte[0]) // reserved
            .string(SshWire.p256Blob(signer.publicKey()))
            .bytes();
    byte[] certificate =
        new SshWire().raw(signed).string(SshWire.p256Signature(signer.sign(signed))).bytes();
    return CERT_TYPE + " " + Base64.getEncoder().encodeToString(certificate) + " " + workspaceId;
  }
}
