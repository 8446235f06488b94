// Following a running build's log with `GET …/log?after=N`: each read asks only for what follows
// the text already shown, so the page appends new text instead of fetching the whole log again.

/** What the follower needs of one answer of `GET …/image-schedules/{id}/log`. */
export interface LogPart {
  attempt: number;
  log: string;
  nextOffset: number;
  ended: boolean;
}

/** What one read changed: text to append, or (a new attempt) text that replaces everything. */
export interface LogStep {
  replace: boolean;
  text: string;
  ended: boolean;
}

/**
 * Follows one build's log. `read(after)` fetches the log after its first `after` characters;
 * `next()` reads once and says what to show. A new attempt (the build was retried) starts its
 * own log, so the follower reads it from its start and replaces what it showed.
 */
export class LogFollower {
  private offset = 0;
  private attempt = 0;
  private done = false;

  constructor(private readonly read: (after: number) => Promise<LogPart>) {}

  /** Whether the build has ended, so its log is final and there is nothing more to read. */
  get ended(): boolean {
    return this.done;
  }

  /** Reads what follows the text shown so far. */
  async next(): Promise<LogStep> {
    let part = await this.read(this.offset);
    let replace = this.attempt === 0;
    if (this.attempt !== 0 && part.attempt !== this.attempt) {
      if (this.offset !== 0) part = await this.read(0);
      replace = true;
    }
    this.attempt = part.attempt;
    this.offset = part.nextOffset;
    this.done = part.ended;
    return { replace, text: part.log, ended: part.ended };
  }
}
