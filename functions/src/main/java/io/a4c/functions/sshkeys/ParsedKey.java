package io.a4c.functions.sshkeys;

/**
 * A public key as A4C stores and hands it to hosts, after {@link KeyParser} checked it.
 *
 * @param type the OpenSSH key type, e.g. {@code ssh-ed25519}
 * @param fingerprint as {@code ssh-keygen -l} prints it: {@code SHA256:} and unpadded base64
 * @param comment printable ASCII, at most 200 characters, or null
 * @param line the canonical authorized_keys line: {@code type base64 [comment]}, no options
 */
public record ParsedKey(String type, String fingerprint, String comment, String line) {}
