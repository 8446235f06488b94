// How soon a view asks the API again: often while a workspace it shows is on its way somewhere
// (being created, started, stopped, rebuilt or deleted: each about a second), so the page shows
// RUNNING or STOPPED when it happens rather than up to two seconds later; otherwise every 2 s. A
// workspace that has not changed for MOVING_FOR_MS (stuck until the sweeper steps in, or waiting
// for a host that is down) no longer counts as on its way: every open page would otherwise ask
// twice a second for as long as it stays so.

/** Between refreshes of a view where nothing shown is on its way. */
export const IDLE_MS = 2000;

/** Between refreshes while a workspace shown is on its way. */
export const MOVING_MS = 500;

/** How long after its last change a workspace on its way still makes the view refresh often. */
export const MOVING_FOR_MS = 30_000;

/** The states a workspace rests in; any other is on its way to one of them. */
const RESTING = new Set(["RUNNING", "STOPPED", "FAILED", "DELETED"]);

/** What the pace needs of a workspace: its state and when it last changed (ISO-8601). */
export interface Shown {
  state: string;
  updatedAt: string;
}

/** The pause before the next refresh of a view showing `workspaces`, at `now` (ms since the epoch). */
export function refreshAfter(workspaces: readonly Shown[], now: number = Date.now()): number {
  const moving = workspaces.some(
    (w) => !RESTING.has(w.state) && now - Date.parse(w.updatedAt) < MOVING_FOR_MS,
  );
  return moving ? MOVING_MS : IDLE_MS;
}
