package io.a4c.functions.hosts;

import io.a4c.functions.http.InvalidRequestException;

/** Body of {@code PUT /v1/hosts/{hostId}/status}: {@code ACTIVE} or {@code DRAINING}. */
public record HostStatusRequest(String status) {
  public HostStatusRequest {
    parsed(status);
  }

  HostStatus parsed() {
    return parsed(status);
  }

  private static HostStatus parsed(String status) {
    if ("ACTIVE".equals(status)) {
      return HostStatus.ACTIVE;
    }
    if ("DRAINING".equals(status)) {
      return HostStatus.DRAINING;
    }
    throw new InvalidRequestException(
        "status", "status must be ACTIVE or DRAINING (DOWN is set by the sweeper)");
  }
}
