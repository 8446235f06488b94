package io.a4c.functions.projects;

import io.a4c.functions.http.InvalidRequestException;

/**
 * How many workspaces of a project the hosts keep made and running for nobody, per parent and arch
 * with a completed image, so a create takes one instead of waiting for a container: a warm pool
 * (see docs/warm-pool.md). Pool members take host slots like workspaces.
 *
 * @param size members kept per (parent, arch), 0 to {@value #MAX_SIZE}; 0 or absent: no pool
 */
public record WarmPool(Integer size) {
  static final int MAX_SIZE = 20;

  public WarmPool {
    if (size != null && (size < 0 || size > MAX_SIZE)) {
      throw new InvalidRequestException(
          "warmPool.size", "warmPool.size must be from 0 to " + MAX_SIZE);
    }
  }

  /** No pool. */
  public static final WarmPool NONE = new WarmPool(0);

  /** The members kept per (parent, arch); 0 for none. */
  public int sizeOrNone() {
    return size == null ? 0 : size;
  }
}
