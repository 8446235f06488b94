package io.a4c.functions.hosts;

import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;

/** No host can take the workspace now; the reason says which condition no host met. */
public class NoHostAvailableException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** Stable reason codes; placement checks arch, then image, then live host, then capacity. */
  public enum Reason {
    NO_HOST_FOR_ARCH("no-host-for-arch"),
    NO_LIVE_HOST("no-live-host"),
    IMAGE_NOT_ON_ANY_HOST("image-not-on-any-host"),
    NO_CAPACITY("no-capacity");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private final Reason why;

  public NoHostAvailableException(Reason why, String detail) {
    super(ProblemType.UNAVAILABLE, detail, null, why.code());
    this.why = why;
  }

  public Reason why() {
    return why;
  }
}
