package io.a4c.daemon.config;

import java.util.regex.Pattern;

/**
 * An IPv4 subnet in CIDR form, {@code 10.251.2.0/24}: the addresses this host gives its workspaces,
 * routed to the host by the network so a developer reaches them directly. Only a network address
 * (host bits zero) with a prefix from /8 to /29 is accepted: Docker refuses the rest, and a typo
 * found at start-up beats one found at the first create.
 *
 * @param cidr the subnet as written, e.g. {@code 10.251.2.0/24}
 */
public record WorkspaceSubnet(String cidr) {
  private static final Pattern FORM =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

  public WorkspaceSubnet {
    var match = cidr == null ? null : FORM.matcher(cidr);
    if (match == null || !match.matches()) {
      throw new IllegalArgumentException("must be an IPv4 CIDR such as 10.251.2.0/24, was " + cidr);
    }
    long address = 0;
    for (int i = 1; i <= 4; i++) {
      int octet = Integer.parseInt(match.group(i));
      if (octet > 255 || (match.group(i).length() > 1 && match.group(i).startsWith("0"))) {
        throw new IllegalArgumentException("has a bad address: " + cidr);
      }
      address = (address << 8) | octet;
    }
    int prefix = Integer.parseInt(match.group(5));
    if (prefix < 8 || prefix > 29) {
      throw new IllegalArgumentException("must have a prefix from /8 to /29, was " + cidr);
    }
    long hostBits = (1L << (32 - prefix)) - 1;
    if ((address & hostBits) != 0) {
      throw new IllegalArgumentException("must be a network address (host bits zero), was " + cidr);
    }
  }

  /** Whether {@code ip} (dotted IPv4) lies in this subnet. */
  public boolean contains(String ip) {
    String[] net = cidr.split("/");
    int prefix = Integer.parseInt(net[1]);
    long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    Long address = toLong(ip);
    return address != null && (address & mask) == toLong(net[0]);
  }

  private static Long toLong(String ip) {
    String[] parts = ip == null ? new String[0] : ip.split("\\.");
    if (parts.length != 4) {
      return null;
    }
    long value = 0;
    for (String part : parts) {
      try {
        int octet = Integer.parseInt(part);
        if (octet < 0 || octet > 255) {
          return null;
        }
        value = (value << 8) | octet;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return value;
  }

  @Override
  public String toString() {
    return cidr;
  }
}
