// Unit tests of following a build's log with `?after=` (node's test runner, on the compiled TypeScript).
import assert from "node:assert/strict";
import { test } from "node:test";
import { LogFollower } from "../target/test-build/logfollow.js";

/** A fake log endpoint: `answers` in order; records each `after` asked for. */
function endpoint(answers) {
  const asked = [];
  const read = async (after) => {
    asked.push(after);
    const answer = answers.shift();
    if (!answer) throw new Error("read after the build ended");
    return answer(after);
  };
  return { asked, read };
}

/** The log as the API answers it at some moment: whole text so far, cut at `after`. */
const log = (attempt, whole, ended = false) => (after) => ({
  attempt,
  log: whole.slice(after),
  nextOffset: whole.length,
  ended,
});

test("each read asks after the text already shown and appends only the new text", async () => {
  const { asked, read } = endpoint([log(1, "a\n"), log(1, "a\nb\n"), log(1, "a\nb\n"), log(1, "a\nb\nc\n", true)]);
  const follower = new LogFollower(read);
  let shown = "";
  while (!follower.ended) {
    const step = await follower.next();
    shown = step.replace ? step.text : shown + step.text;
  }
  assert.deepEqual(asked, [0, 2, 4, 4]);
  assert.equal(shown, "a\nb\nc\n");
});

test("the first read replaces whatever was shown; later reads append", async () => {
  const follower = new LogFollower(endpoint([log(1, "one"), log(1, "one two")]).read);
  assert.deepEqual(await follower.next(), { replace: true, text: "one", ended: false });
  assert.deepEqual(await follower.next(), { replace: false, text: " two", ended: false });
});

test("a build that has ended is read once and the follower stops", async () => {
  const follower = new LogFollower(endpoint([log(1, "done\n", true)]).read);
  assert.deepEqual(await follower.next(), { replace: true, text: "done\n", ended: true });
  assert.equal(follower.ended, true);
});

test("a new attempt's log is read from its start and replaces the old one", async () => {
  const { asked, read } = endpoint([log(1, "first try\n"), log(2, "second\n"), log(2, "second\n"), log(2, "second\nmore\n", true)]);
  const follower = new LogFollower(read);
  await follower.next();
  const step = await follower.next();
  assert.deepEqual(step, { replace: true, text: "second\n", ended: false });
  assert.deepEqual(asked, [0, 10, 0]);
  assert.deepEqual(await follower.next(), { replace: false, text: "more\n", ended: true });
  assert.deepEqual(asked, [0, 10, 0, 7]);
});
