package io.a4c.events;

/** Who asked for a build; user builds go ahead of recurring ones. */
public enum BuildKind {
  /** Scheduled by a user through the API. */
  USER,
  /** Scheduled by a project's cron expression. */
  RECURRING
}
