// Unit tests of how soon the dashboard's views refresh (node's test runner, on the compiled TypeScript).
import assert from "node:assert/strict";
import { test } from "node:test";
import { IDLE_MS, MOVING_MS, refreshAfter } from "../target/test-build/pace.js";

test("a view whose workspaces all rest refreshes every 2 s, an empty one too", () => {
  assert.equal(IDLE_MS, 2000);
  assert.equal(refreshAfter([]), IDLE_MS);
  assert.equal(refreshAfter(["RUNNING", "STOPPED", "FAILED", "DELETED"]), IDLE_MS);
});

test("a workspace on its way anywhere makes the view refresh every 500 ms", () => {
  assert.equal(MOVING_MS, 500);
  for (const moving of ["PENDING", "CREATING", "STARTING", "STOPPING", "REBUILDING", "DELETING"]) {
    assert.equal(refreshAfter(["RUNNING", moving, "STOPPED"]), MOVING_MS, moving);
  }
});
