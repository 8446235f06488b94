package io.a4c.functions.http;

import io.a4c.events.Names;

/**
 * Who is calling, from the JWT claims API Gateway verified.
 *
 * @param subject the token's {@code sub}: the user id
 * @param admin whether the admin claim is {@code true}
 */
public record Caller(String subject, boolean admin) {
  public Caller {
    if (subject == null || !Names.USER_ID.matcher(subject).matches()) {
      throw new ProblemException(ProblemType.UNAUTHORIZED, "the token has no usable subject");
    }
  }

  /**
   * Checks the caller may act on {@code userId}'s resources: their own, or any when admin. Anyone
   * else gets the same 404 as for a user with nothing, so existence does not leak.
   */
  public void requireAccessTo(String userId) {
    if (!admin && !subject.equals(userId)) {
      throw new ProblemException(ProblemType.NOT_FOUND, "no such resource");
    }
  }

  /**
   * Checks the caller is {@code userId} themselves, admin or not: for what acts as the user, such
   * as the SSH keys that open their workspaces. An admin gets a 403 saying so; anyone else the same
   * 404 as for a user with nothing.
   */
  public void requireSelf(String userId, String why) {
    if (subject.equals(userId)) {
      return;
    }
    if (admin) {
      throw new ProblemException(ProblemType.FORBIDDEN, why);
    }
    throw new ProblemException(ProblemType.NOT_FOUND, "no such resource");
  }

  /** Checks the caller holds the admin claim; otherwise 403. */
  public void requireAdmin() {
    if (!admin) {
      throw new ProblemException(ProblemType.FORBIDDEN, "this route needs the admin role");
    }
  }
}
