package io.a4c.local.bench.coldstart.crac;

/** A resource failed after the restore; its failure is suppressed in this one. */
public final class RestoreException extends Exception {
  private static final long serialVersionUID = 1L;
}
