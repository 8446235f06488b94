package io.a4c.functions.projects;

import io.a4c.functions.http.InvalidRequestException;

/**
 * Where a project's new images go before anyone asks for them: when a build completes, A4C tells
 * hosts of the build's arch to pull it until {@code hosts} of them hold it, the builder included
 * (docs/builds.md, "Images go to hosts before users ask").
 *
 * @param hosts how many hosts of the arch should hold each new image (0 to 1000; 0 or 1: only the
 *     builder; default {@link #DEFAULT_HOSTS}, so placement has two holders to choose from)
 */
public record ProjectPrefetch(Integer hosts) {
  /** Holders wanted when the project does not say. */
  public static final int DEFAULT_HOSTS = 2;

  static final int MAX = 1000;

  /** No override: {@link #DEFAULT_HOSTS}. */
  public static final ProjectPrefetch DEFAULT = new ProjectPrefetch(null);

  public ProjectPrefetch {
    if (hosts != null && (hosts < 0 || hosts > MAX)) {
      throw new InvalidRequestException(
          "prefetch.hosts", "prefetch.hosts must be from 0 to " + MAX);
    }
  }

  /** The holders wanted of each new image, the builder included. */
  public int hostsOrDefault() {
    return hosts == null ? DEFAULT_HOSTS : hosts;
  }
}
