package io.a4c.functions.sshkeys;

import io.a4c.events.SshAccess;
import io.a4c.functions.http.InvalidRequestException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Reads the one public key a user sends, with Apache MINA SSHD's OpenSSH key decoders: the line is
 * split as sshd splits an authorized_keys line, and the base64 data is decoded into a real key, so
 * a blob that is not the key its type names is refused. What is accepted is re-emitted canonically
 * (the key re-encoded, the comment made printable), so every stored line matches {@link
 * SshAccess#AUTHORIZED_KEY}, which hosts check again. Every refusal is a 400 naming {@code
 * publicKey}. Stateless.
 *
 * <p>MINA's classes are loaded only here, in the function that parses keys (the SSH keys API):
 * other functions never touch this class.
 */
public final class KeyParser {
  /** The request field every refusal names. */
  public static final String FIELD = "publicKey";

  /** The smallest RSA modulus accepted: NIST's floor for keys used beyond 2030. */
  static final int MIN_RSA_BITS = 3072;

  /** The largest RSA modulus accepted: its line must still fit the hosts' line rule. */
  static final int MAX_RSA_BITS = 8192;

  /** Longest comment kept; the hosts' line rule allows no more. */
  static final int MAX_COMMENT = 200;

  /** A body longer than this holds more than one key (an RSA-8192 line is about 1.4 kB). */
  private static final int MAX_LENGTH = 4096;

  private static final Set<String> ACCEPTED =
      Set.of(
          KeyTypes.ED25519,
          KeyTypes.ECDSA_256,
          KeyTypes.ECDSA_384,
          KeyTypes.ECDSA_521,
          KeyTypes.RSA,
          KeyTypes.SK_ED25519,
          KeyTypes.SK_ECDSA_256);

  private static final Pattern BLANK = Pattern.compile("\\s+");

  private KeyParser() {}

  /** The key types as OpenSSH names them in a public key line. */
  private static final class KeyTypes {
    static final String ED25519 = "ssh-ed25519";
    static final String ECDSA_256 = "ecdsa-sha2-nistp256";
    static final String ECDSA_384 = "ecdsa-sha2-nistp384";
    static final String ECDSA_521 = "ecdsa-sha2-nistp521";
    static final String RSA = "ssh-rsa";
    static final String DSA = "ssh-dss";
    static final String SK_ED25519 = "sk-ssh-ed25519@openssh.com";
    static final String SK_ECDSA_256 = "sk-ecdsa-sha2-nistp256@openssh.com";
  }

  /**
   * Checks and canonicalises one OpenSSH public key line ({@code ~/.ssh/id_ed25519.pub}).
   *
   * @throws InvalidRequestException naming {@code publicKey} when it is not exactly one acceptable
   *     key
   */
  public static ParsedKey parse(String raw) {
    if (raw == null) {
      throw refused("publicKey is required");
    }
    if (raw.isBlank()) {
      throw refused("publicKey is empty; it must be one OpenSSH public key line (a .pub file)");
    }
    if (raw.length() > MAX_LENGTH) {
      throw refused("publicKey is too long for one key");
    }
    String text = raw.strip();
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      throw refused(
          "publicKey must be one key on one line (the contents of a .pub file); send each key"
              + " under its own name");
    }
    AuthorizedKeyEntry entry;
    try {
      entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(text);
    } catch (RuntimeException e) {
      throw notAKey();
    }
    if (entry == null || entry.getKeyType() == null) {
      throw notAKey();
    }
    if (!entry.getLoginOptions().isEmpty()) {
      throw refused(
          "publicKey must not carry authorized_keys options (command=, from=, ...); send the key"
              + " line alone");
    }
    String type = entry.getKeyType();
    if (type.endsWith("-cert-v01@openssh.com")) {
      throw certificate();
    }
    PublicKey key;
    try {
      key = entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    } catch (Exception e) {
      // Unknown type, bad base64, a blob of another type, truncated data: MINA says which, but
      // its message may quote the input; ours says what to send instead.
      throw notAKey();
    }
    if (key == null) {
      throw notAKey();
    }
    if (key instanceof OpenSshCertificate) {
      throw certificate();
    }
    String decodedType = KeyUtils.getKeyType(key);
    if (!type.equals(decodedType)) {
      throw refused("publicKey's data is not a key of the type its line names (" + type + ")");
    }
    checkAccepted(type, key);
    String comment = comment(entry.getComment());
    if (comment != null && mentionsAnotherKey(comment)) {
      throw refused("publicKey must hold one key; send each key under its own name");
    }
    String line;
    try {
      line = PublicKeyEntry.toString(key);
    } catch (RuntimeException e) {
      throw notAKey();
    }
    if (comment != null) {
      line = line + " " + comment;
    }
    if (!SshAccess.AUTHORIZED_KEY.matcher(line).matches()) {
      // Cannot happen for the accepted types and sizes; a host would refuse the line, so we do.
      throw notAKey();
    }
    return new ParsedKey(type, KeyUtils.getFingerPrint(key), comment, line);
  }

  private static void checkAccepted(String type, PublicKey key) {
    if (type.equals(KeyTypes.DSA)) {
      throw refused(
          "publicKey is a DSA key, which OpenSSH no longer accepts; use ssh-keygen -t ed25519");
    }
    if (!ACCEPTED.contains(type)) {
      throw refused(
          "publicKey has type "
              + type
              + "; accepted are ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa of "
              + MIN_RSA_BITS
              + " bits or more and the sk- (FIDO) variants of ed25519 and ecdsa");
    }
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < MIN_RSA_BITS) {
        throw refused(
            "publicKey is an RSA key of "
                + bits
                + " bits; at least "
                + MIN_RSA_BITS
                + " are needed (or use ssh-keygen -t ed25519)");
      }
      if (bits > MAX_RSA_BITS) {
        throw refused(
            "publicKey is an RSA key of " + bits + " bits; at most " + MAX_RSA_BITS + " are taken");
      }
    }
  }

  /**
   * The comment as stored: whitespace runs become one space, anything but printable ASCII goes, and
   * it is cut to {@link #MAX_COMMENT}; null when nothing is left.
   */
  static String comment(String raw) {
    if (raw == null) {
      return null;
    }
    var kept = new StringBuilder(raw.length());
    for (char c : BLANK.matcher(raw).replaceAll(" ").toCharArray()) {
      if (c >= 0x20 && c <= 0x7E) {
        kept.append(c);
      }
    }
    String comment = kept.toString().replaceAll(" {2,}", " ").strip();
    if (comment.length() > MAX_COMMENT) {
      comment = comment.substring(0, MAX_COMMENT).strip();
    }
    return comment.isEmpty() ? null : comment;
  }

  /** Whether a comment holds what looks like a second key: a key type followed by more text. */
  private static boolean mentionsAnotherKey(String comment) {
    String[] words = comment.split(" ");
    for (int i = 0; i < words.length - 1; i++) {
      String word = words[i];
      if (ACCEPTED.contains(word)
          || word.equals(KeyTypes.DSA)
          || word.endsWith("-cert-v01@openssh.com")) {
        return true;
      }
    }
    return false;
  }

  private static InvalidRequestException certificate() {
    return refused(
        "publicKey is an SSH certificate; register the plain public key (the .pub file without"
            + " -cert)");
  }

  private static InvalidRequestException notAKey() {
    return refused(
        "publicKey is not an OpenSSH public key line: send the contents of a .pub file, e.g."
            + " ssh-ed25519 AAAA... you@laptop");
  }

  private static InvalidRequestException refused(String detail) {
    return new InvalidRequestException(FIELD, detail);
  }
}
