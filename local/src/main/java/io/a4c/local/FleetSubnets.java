package io.a4c.local;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The local fleet's workspace subnets: host {@code hK} gives its workspaces addresses in {@code
 * 10.251.K.0/24}, which {@code local/engines.sh up} routes from the root network namespace (the
 * developer machine) to the host's address {@code 10.250.0.K}; h1's engine is in the root namespace
 * itself. A host named otherwise gets none (its workspaces stay on the engine's default bridge,
 * unless {@code A4C_WORKSPACE_SUBNET} is set).
 */
public final class FleetSubnets {
  private static final Pattern HOST = Pattern.compile("h([1-9][0-9]{0,2})");

  /** The fleet's prefix: host K's subnet is {@code <PREFIX>.K.0/24}. */
  public static final String PREFIX = "10.251";

  private FleetSubnets() {}

  /** The subnet of {@code hostId}, {@code 10.251.K.0/24} for {@code hK} (K from 1 to 200). */
  public static Optional<String> of(String hostId) {
    var match = HOST.matcher(hostId);
    if (!match.matches() || Integer.parseInt(match.group(1)) > 200) {
      return Optional.empty();
    }
    return Optional.of(PREFIX + "." + match.group(1) + ".0/24");
  }
}
