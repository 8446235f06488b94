// Unit tests of how soon the dashboard's views refresh (node's test runner, on the compiled TypeScript).
import assert from "node:assert/strict";
import { test } from "node:test";
import { IDLE_MS, MOVING_FOR_MS, MOVING_MS, refreshAfter } from "../target/test-build/pace.js";

const now = Date.parse("2026-12-04T20:00:00Z");
const ago = (ms) => new Date(now - ms).toISOString();
const shown = (state, changedMsAgo = 1000) => ({ state, updatedAt: ago(changedMsAgo) });

test("a view whose workspaces all rest refreshes every 2 s, an empty one too", () => {
  assert.equal(IDLE_MS, 2000);
  assert.equal(refreshAfter([], now), IDLE_MS);
  assert.equal(refreshAfter(["RUNNING", "STOPPED", "FAILED", "DELETED"].map((s) => shown(s)), now), IDLE_MS);
});

test("a workspace on its way anywhere makes the view refresh every 500 ms", () => {
  assert.equal(MOVING_MS, 500);
  for (const moving of ["PENDING", "CREATING", "STARTING", "STOPPING", "REBUILDING", "DELETING"]) {
    assert.equal(refreshAfter([shown("RUNNING"), shown(moving), shown("STOPPED")], now), MOVING_MS, moving);
  }
});

test("a workspace that has not moved for 30 s no longer hurries the view", () => {
  assert.equal(MOVING_FOR_MS, 30_000);
  assert.equal(refreshAfter([shown("CREATING", MOVING_FOR_MS - 1)], now), MOVING_MS);
  assert.equal(refreshAfter([shown("CREATING", MOVING_FOR_MS)], now), IDLE_MS);
  assert.equal(refreshAfter([shown("PENDING", 10 * 60_000), shown("RUNNING")], now), IDLE_MS);
  assert.equal(refreshAfter([shown("PENDING", 10 * 60_000), shown("STOPPING", 200)], now), MOVING_MS);
});
