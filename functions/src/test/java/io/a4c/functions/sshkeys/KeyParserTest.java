package io.a4c.functions.sshkeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.SshAccess;
import io.a4c.functions.http.InvalidRequestException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keys made by ssh-keygen are read as OpenSSH reads them (type, fingerprint), re-emitted as lines
 * hosts accept; everything else is refused with a 400 naming {@code publicKey}.
 */
class KeyParserTest {
  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of(SshKeyFixtures.ED25519, "ssh-ed25519", SshKeyFixtures.ED25519_FINGERPRINT),
        Arguments.of(
            SshKeyFixtures.ECDSA_256, "ecdsa-sha2-nistp256", SshKeyFixtures.ECDSA_256_FINGERPRINT),
        Arguments.of(
            SshKeyFixtures.ECDSA_384, "ecdsa-sha2-nistp384", SshKeyFixtures.ECDSA_384_FINGERPRINT),
        Arguments.of(
            SshKeyFixtures.ECDSA_521, "ecdsa-sha2-nistp521", SshKeyFixtures.ECDSA_521_FINGERPRINT),
        Arguments.of(SshKeyFixtures.RSA_3072, "ssh-rsa", SshKeyFixtures.RSA_3072_FINGERPRINT),
        Arguments.of(SshKeyFixtures.RSA_8192, "ssh-rsa", SshKeyFixtures.RSA_8192_FINGERPRINT),
        Arguments.of(
            SshKeyFixtures.SK_ED25519,
            "sk-ssh-ed25519@openssh.com",
            SshKeyFixtures.SK_ED25519_FINGERPRINT));
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void aKeyMadeBySshKeygenIsReadWithTheFingerprintSshKeygenPrints(
      String publicKey, String type, String fingerprint) {
    ParsedKey parsed = KeyParser.parse(publicKey + "\n");

    assertThat(parsed.type()).isEqualTo(type);
    assertThat(parsed.fingerprint()).isEqualTo(fingerprint);
    assertThat(parsed.line()).isEqualTo(publicKey);
    assertThat(SshAccess.AUTHORIZED_KEY.matcher(parsed.line()).matches()).isTrue();
  }

  @Test
  void theCommentIsKeptPrintableAndShortOrDropped() {
    String[] parts = SshKeyFixtures.ED25519.split(" ");
    String key = parts[0] + " " + parts[1];

    assertThat(KeyParser.parse(key).comment()).isNull();
    assertThat(KeyParser.parse(key).line()).isEqualTo(key);
    assertThat(KeyParser.parse(key + " alice\t at  héllo\u0007 box").comment())
        .isEqualTo("alice at hllo box");
    assertThat(KeyParser.parse(key + " " + "c".repeat(300)).comment()).hasSize(200);
    assertThat(KeyParser.parse(key + " \u00e9\u00e9").comment()).isNull();
    assertThat(KeyParser.parse(key + " \u00e9\u00e9").line()).isEqualTo(key);
  }

  static Stream<Arguments> refused() {
    String ed25519 = SshKeyFixtures.ED25519;
    return Stream.of(
        Arguments.of("DSA", SshKeyFixtures.DSA, "DSA"),
        Arguments.of("RSA of 2048 bits", SshKeyFixtures.RSA_2048, "2048 bits"),
        Arguments.of("garbage", "this is not a key", "not an OpenSSH public key"),
        Arguments.of("bad base64", "ssh-ed25519 AAAA!!!!notbase64 x", "not an OpenSSH public key"),
        Arguments.of(
            "a blob of another type",
            "ssh-rsa " + ed25519.split(" ")[1],
            "not an OpenSSH public key"),
        Arguments.of(
            "a truncated blob",
            "ssh-ed25519 " + ed25519.split(" ")[1].substring(0, 40),
            "not an OpenSSH public key"),
        Arguments.of("a certificate", SshKeyFixtures.ECDSA_256_CERTIFICATE, "certificate"),
        Arguments.of("options", "command=\"ls\",from=\"10.0.0.1\" " + ed25519, "options"),
        Arguments.of("no-pty option", "no-pty " + ed25519, "options"),
        Arguments.of("two lines", ed25519 + "\n" + SshKeyFixtures.ECDSA_256, "one key"),
        Arguments.of("two keys on a line", ed25519 + " " + SshKeyFixtures.ECDSA_256, "one key"),
        Arguments.of("a private key", "-----BEGIN OPENSSH PRIVATE KEY-----", "not an OpenSSH"),
        Arguments.of("empty", "", "publicKey is empty; it must be one OpenSSH public key"),
        Arguments.of("blank", "  ", "publicKey is empty; it must be one OpenSSH public key"),
        Arguments.of("absent", null, "required"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void anythingButOneAcceptableKeyIsRefusedNamingTheField(
      String what, String publicKey, String detail) {
    assertThatThrownBy(() -> KeyParser.parse(publicKey))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("publicKey"))
        .hasMessageContaining(detail);
  }
}
