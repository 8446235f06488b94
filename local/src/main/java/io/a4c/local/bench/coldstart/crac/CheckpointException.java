package io.a4c.local.bench.coldstart.crac;

/** A resource failed before the checkpoint; its failure is suppressed in this one. */
public final class CheckpointException extends Exception {
  private static final long serialVersionUID = 1L;
}
