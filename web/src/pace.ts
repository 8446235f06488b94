// How soon a view asks the API again: often while a workspace it shows is on its way somewhere
// (being created, started, stopped, rebuilt or deleted: each about a second), so the page shows
// RUNNING or STOPPED when it happens rather than up to two seconds later; otherwise every 2 s.

/** Between refreshes of a view where nothing shown is on its way. */
export const IDLE_MS = 2000;

/** Between refreshes while a workspace shown is on its way. */
export const MOVING_MS = 500;

/** The states a workspace rests in; any other is on its way to one of them. */
const RESTING = new Set(["RUNNING", "STOPPED", "FAILED", "DELETED"]);

/** The pause before the next refresh of a view showing workspaces in `states`. */
export function refreshAfter(states: readonly string[]): number {
  return states.some((state) => !RESTING.has(state)) ? MOVING_MS : IDLE_MS;
}
