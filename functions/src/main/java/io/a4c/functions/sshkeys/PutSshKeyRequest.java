package io.a4c.functions.sshkeys;

/**
 * Body of {@code PUT /v1/users/{userId}/ssh-keys/{keyName}}.
 *
 * @param publicKey one OpenSSH public key line, as in a {@code .pub} file
 */
public record PutSshKeyRequest(String publicKey) {}
