package io.a4c.functions.projects;

import io.a4c.functions.http.InvalidRequestException;

/**
 * Where a project's new images go before anyone asks for them: when a build completes, A4C tells
 * hosts of the build's arch to pull it until {@code hosts} of them hold it, or {@code percent} of
 * the arch's live hosts, the builder included (docs/builds.md, "Images go to hosts before users
 * ask").
 *
 * @param hosts how many hosts of the arch should hold each new image (0 to 1000; 0 or 1: only the
 *     builder); when neither field is given, {@link #DEFAULT_HOSTS}, so placement has two holders
 *     to choose from
 * @param percent the share of the arch's live hosts (ACTIVE with a fresh heartbeat, and the
 *     builder) that should hold each new image, 1 to 100, rounded up; with {@code hosts} too, the
 *     larger of the two counts
 */
public record ProjectPrefetch(Integer hosts, Integer percent) {
  /** Holders wanted when the project does not say. */
  public static final int DEFAULT_HOSTS = 2;

  static final int MAX = 1000;

  /** No override: {@link #DEFAULT_HOSTS}. */
  public static final ProjectPrefetch DEFAULT = new ProjectPrefetch(null, null);

  public ProjectPrefetch {
    if (hosts != null && (hosts < 0 || hosts > MAX)) {
      throw new InvalidRequestException(
          "prefetch.hosts", "prefetch.hosts must be from 0 to " + MAX);
    }
    if (percent != null && (percent < 1 || percent > 100)) {
      throw new InvalidRequestException(
          "prefetch.percent", "prefetch.percent must be from 1 to 100");
    }
  }

  /** A fixed number of holders, no share. */
  public static ProjectPrefetch ofHosts(int hosts) {
    return new ProjectPrefetch(hosts, null);
  }

  /**
   * The holders wanted of each new image, the builder included, in an arch that has {@code
   * liveHosts} live hosts.
   */
  public int holdersWanted(int liveHosts) {
    int byShare = percent == null ? 0 : (int) Math.ceilDiv((long) liveHosts * percent, 100L);
    int byCount = hosts != null ? hosts : percent == null ? DEFAULT_HOSTS : 0;
    return Math.max(byCount, byShare);
  }
}
