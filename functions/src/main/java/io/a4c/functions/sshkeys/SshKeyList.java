package io.a4c.functions.sshkeys;

import java.util.List;

/**
 * Every key of a user, by name. Never paged: a user holds at most {@link
 * SshKeyRegistration#MAX_KEYS_PER_USER} keys.
 */
public record SshKeyList(List<SshKeyView> items) {}
