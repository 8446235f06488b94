package io.a4c.functions.sshkeys;

import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;

/** The user has no key of that name. */
public class SshKeyNotFoundException extends ProblemException {
  private static final long serialVersionUID = 1L;

  public SshKeyNotFoundException(String keyName) {
    super(ProblemType.NOT_FOUND, "no SSH key named " + keyName, "keyName", "unknown-ssh-key");
  }
}
