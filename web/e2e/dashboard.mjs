// The dashboard end to end in headless Chromium (Debian's, through playwright-core) against a
// running local runtime. local/.../DashboardTest starts the runtime, sets up a project with a
// ready image and another user's workspace, and runs this with:
//   A4C_URL            the runtime's base URL (the page and the API)
//   A4C_E2E_PROJECT    a project whose parent main has an amd64 image
//   A4C_E2E_USER       the development user who signs in
//   A4C_E2E_ADMIN      an admin's user id
//   A4C_E2E_FOREIGN    another user's workspace id, which must never appear
//   A4C_E2E_HOSTS      how many hosts the admin must see
//   A4C_E2E_BUILD_PROJECT, A4C_E2E_BUILD_CHANGE
//                      a git project whose build's log grows for a while, and the change to build
//   A4C_E2E_SHOTS      where the screenshots go
//   CHROMIUM           the browser (default /usr/bin/chromium)
// It exits non-zero on the first failed check, saying which.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const base = new URL(env("A4C_URL"));
const project = env("A4C_E2E_PROJECT");
const user = env("A4C_E2E_USER");
const admin = env("A4C_E2E_ADMIN");
const foreign = env("A4C_E2E_FOREIGN");
const hostCount = Number(env("A4C_E2E_HOSTS"));
const buildProject = env("A4C_E2E_BUILD_PROJECT");
const buildChange = env("A4C_E2E_BUILD_CHANGE");
const shots = env("A4C_E2E_SHOTS");
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const WAIT = 90_000;
const foreignRequests = [];
const consoleErrors = [];

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  console.log(`ok: ${message}`);
}

async function axeCheck(page, where) {
  // evaluate() runs outside the page's Content-Security-Policy, which allows no injected script.
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const violations = result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
  );
  check(violations.length === 0, `axe-core finds no WCAG 2.1 AA violation on ${where}${violations.length ? ": " + violations.join("; ") : ""}`);
}

/** Calls the API as `who` (an admin when `asAdmin`) from this script (not the page), with a development token. */
async function apiAs(who, method, path, body, asAdmin = false) {
  const tokenReply = await fetch(new URL("/local/tokens", base), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub: who, admin: asAdmin }),
  });
  const { token } = await tokenReply.json();
  const reply = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await reply.json();
  if (!reply.ok) throw new Error(`${method} ${path}: ${reply.status} ${json.detail}`);
  return json;
}

/** At a phone's width nothing is wider than the screen: neither the page nor any table's box. */
async function fitsThePhone(page, where) {
  const wide = await page.evaluate(() => {
    const out = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width) out.push(`the page (${document.documentElement.scrollWidth} > ${width} px)`);
    for (const el of document.querySelectorAll("body *")) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 0.5 && !el.closest("pre, thead")) out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className ? "." + el.className : ""} (right edge ${Math.round(box.right)} px)`);
    }
    for (const el of document.querySelectorAll(".scroll")) {
      if (el.scrollWidth > el.clientWidth) out.push(`a table box scrolls sideways (${el.scrollWidth} > ${el.clientWidth} px)`);
    }
    return out;
  });
  check(wide.length === 0, `at ${PHONE.width} px nothing on ${where} overflows sideways${wide.length ? ": " + wide.slice(0, 5).join(", ") : ""}`);
}

const PHONE = { width: 390, height: 844 };

async function signIn(page, who, asAdmin) {
  await page.fill("#signin-user", who);
  if (asAdmin) await page.check("#signin-admin");
  await page.click("button[type=submit]");
  await page.waitForSelector(`text=Signed in as ${who}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  // Root in a container: Chromium's sandbox needs user namespaces it may not have.
  args: ["--no-sandbox"],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on("request", (request) => {
    const url = new URL(request.url());
    if ((url.protocol === "http:" || url.protocol === "https:") && url.origin !== base.origin) {
      foreignRequests.push(request.url());
    }
  });
  page.on("console", (message) => {
    if (message.type() === "error" && !/Failed to load resource/.test(message.text())) consoleErrors.push(message.text());
  });

  // A developer signs in, creates a workspace and watches it reach RUNNING.
  await page.goto(base.href);
  await page.waitForSelector("#signin-user");
  await axeCheck(page, "the sign-in form");
  await signIn(page, user, false);
  await page.waitForSelector("#create-project");
  await page.selectOption("#create-project", project);
  check((await page.inputValue("#create-parent")) === "main", "the create form offers the project's parent main");
  check((await page.inputValue("#create-arch")) === "amd64", "the create form offers the arch that has an image");
  // A 503 (no live host: a heartbeat late on a loaded machine) creates nothing; ask again.
  for (let attempt = 1; ; attempt++) {
    await page.evaluate(() => document.getElementById("problem").replaceChildren());
    await page.click("form[aria-labelledby=create-title] button[type=submit]");
    await page.waitForSelector("tr[data-workspace], #problem p", { timeout: WAIT });
    const problem = await page.$("#problem p");
    if (!problem) break;
    const text = await problem.innerText();
    check(/draining, down or silent/.test(text) && attempt < 30, `create answered only a retryable 503: ${text}`);
    await page.waitForTimeout(3000);
  }
  const row = await page.waitForSelector("tr[data-state=RUNNING]", { timeout: WAIT });
  const workspaceId = await row.getAttribute("data-workspace");
  check(Boolean(workspaceId), `the new workspace ${workspaceId} is RUNNING`);
  check(/h\d+/.test(await row.innerText()), "its row names its host");
  await axeCheck(page, "the workspaces view");
  await page.screenshot({ path: join(shots, "workspaces.png"), fullPage: true });

  // A bad create shows the API's problem detail.
  await page.fill("#create-change", "no-such-change");
  await page.click("form[aria-labelledby=create-title] button[type=submit]");
  await page.waitForSelector("#problem p", { timeout: WAIT });
  const detail = await page.innerText("#problem");
  check(
    detail.includes(`project ${project} has no completed image for parent main, arch amd64 at change no-such-change`),
    `a bad create shows the API's detail: ${detail.trim()}`,
  );
  await page.screenshot({ path: join(shots, "bad-create.png"), fullPage: true });
  await page.fill("#create-change", "");

  // On a phone's screen the rows become cards, and nothing is wider than the screen.
  await page.setViewportSize(PHONE);
  check(
    (await page.$eval(`tr[data-workspace="${workspaceId}"]`, (tr) => getComputedStyle(tr).display)) === "block",
    "at a phone's width a workspace's row is a card",
  );
  await fitsThePhone(page, "the workspaces view");
  await axeCheck(page, "the workspaces view at a phone's width");
  await page.screenshot({ path: join(shots, "workspaces-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Delete it: the row goes.
  await page.click(`tr[data-workspace="${workspaceId}"] button:text("Delete")`);
  await page.waitForSelector(`tr[data-workspace="${workspaceId}"]`, { state: "detached", timeout: WAIT });
  check(true, `workspace ${workspaceId} is gone from the list after Delete`);

  // Another user's workspace never appeared (the list polls; look once more after a refresh).
  await page.waitForTimeout(2500);
  check(!(await page.content()).includes(foreign), `another user's workspace ${foreign} never appears`);

  // The other views render and pass the check too.
  // A build's log, followed while it runs: each read asks only after what is shown, until it ends.
  const logReads = [];
  page.on("response", async (response) => {
    const url = new URL(response.url());
    if (!/\/image-schedules\/[^/]+\/log$/.test(url.pathname) || !response.ok()) return;
    const body = await response.json();
    logReads.push({ after: Number(url.searchParams.get("after")), status: body.status, length: body.log.length, nextOffset: body.nextOffset, ended: body.ended });
  });
  await page.goto(base.href + "#/builds");
  await page.waitForSelector("#build-list :is(table, p)");
  const build = await apiAs(user, "POST", "/v1/users/me/image-schedules", { imageName: "dash-follow", project: buildProject, change: buildChange });
  const buildRow = `tr[data-schedule="${build.scheduleId}"]`;
  await page.click(`${buildRow} button:text("Log")`, { timeout: WAIT });
  await page.waitForSelector("#build-log[data-ended=true]", { timeout: 3 * WAIT });
  const followed = await page.innerText("#build-log");
  const stored = await apiAs(user, "GET", `/v1/users/me/image-schedules/${build.scheduleId}/log`);
  check(stored.ended && followed.trim() === stored.log.trim(), `the followed log of ${build.scheduleId} is the stored log, once (${stored.log.length} characters)`);
  check(/dash-follow-before/.test(followed) && /dash-follow-after/.test(followed), "it shows the lines written before and after the build's pause");
  const running = logReads.filter((r) => r.status === "IN_PROGRESS" && r.length > 0);
  check(running.length > 0, `the page showed log text while the build was IN_PROGRESS (${running.length} reads)`);
  check(logReads.some((r) => r.after > 0), `later reads ask only after the text shown (after= ${logReads.map((r) => r.after).join(", ")})`);
  check(logReads.every((r, i) => i === 0 || r.after === logReads[i - 1].nextOffset || logReads[i - 1].after === r.after && r.after === 0),
    "each read starts where the previous answer's nextOffset ended");
  check(logReads.filter((r) => r.ended).length === 1, "the page stops reading once the build has ended");
  await page.waitForTimeout(2500);
  check(logReads.filter((r) => r.ended).length === 1 && logReads.at(-1).ended, "and reads nothing after it");
  await axeCheck(page, "the builds view");
  await page.screenshot({ path: join(shots, "builds.png"), fullPage: true });
  await page.goto(base.href + "#/keys");
  await page.waitForSelector("#key-list :is(ul, p)");
  await axeCheck(page, "the SSH keys view");

  // An admin sees every host with its disk bar.
  await page.click("text=Sign out");
  await signIn(page, admin, true);
  await page.goto(base.href + "#/hosts");
  await page.waitForFunction(
    (n) => document.querySelectorAll('[role=meter][aria-label^="Disk used on"]').length === n,
    hostCount,
    { timeout: WAIT },
  );
  const bars = await page.$$eval('[role=meter][aria-label^="Disk used on"]', (els) =>
    els.map((el) => `${el.getAttribute("aria-label")}: ${el.getAttribute("aria-valuenow")}%`),
  );
  check(bars.length === hostCount, `the admin sees ${hostCount} hosts with disk bars (${bars.join(", ")})`);
  check((await page.$$(".bar-limit")).length === hostCount, "each disk bar shows the 95 % line");
  const counts = await page.$$eval(".host-workspaces", (els) => els.map((el) => el.textContent));
  check(
    counts.length === hostCount && counts.every((t) => /^Workspaces \d+ of \d+ \(\d+ running, \d+ in hand\)$/.test(t)),
    `each host card counts its workspaces, running and in hand (${counts.join("; ")})`,
  );
  await axeCheck(page, "the hosts view");
  await page.screenshot({ path: join(shots, "hosts.png"), fullPage: true });
  await page.setViewportSize(PHONE);
  await fitsThePhone(page, "the hosts view");
  await page.screenshot({ path: join(shots, "hosts-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Drain an ACTIVE host from its card, then activate it again; the API agrees each time. The
  // hosts are shared with other tests: whatever happens here, the host ends ACTIVE.
  const hostStatus = async (hostId) =>
    (await apiAs(admin, "GET", "/v1/hosts", undefined, true)).items.find((h) => h.hostId === hostId)?.status;
  const drained = await page.$eval("#host-list article:has(.state-ACTIVE)", (el) => el.dataset.host);
  const card = `#host-list article[data-host="${drained}"]`;
  try {
    await page.click(`${card} button:text-is("Drain ${drained}")`);
    await page.waitForSelector(`${card} .state-DRAINING`, { timeout: WAIT });
    check((await hostStatus(drained)) === "DRAINING", `Drain ${drained} shows it DRAINING, and GET /v1/hosts says DRAINING`);
    check((await page.$$(`${card} button:text-is("Activate ${drained}")`)).length === 1, `a DRAINING ${drained} offers Activate ${drained}`);
    await axeCheck(page, "the hosts view with a DRAINING host");
    await page.screenshot({ path: join(shots, "hosts-draining.png"), fullPage: true });
    await page.click(`${card} button:text-is("Activate ${drained}")`);
    await page.waitForSelector(`${card} .state-ACTIVE`, { timeout: WAIT });
    check((await hostStatus(drained)) === "ACTIVE", `Activate ${drained} shows it ACTIVE again, and GET /v1/hosts says ACTIVE`);
    check((await page.$$(`${card} button:text-is("Drain ${drained}")`)).length === 1, `an ACTIVE ${drained} offers Drain ${drained} again`);
  } finally {
    // A DOWN host becomes ACTIVE by itself at its next heartbeat; only DRAINING needs undoing.
    if ((await hostStatus(drained)) === "DRAINING") {
      await apiAs(admin, "PUT", `/v1/hosts/${drained}/status`, { status: "ACTIVE" }, true);
    }
  }

  // The build queue: every arch's waiting and running builds, by kind.
  await page.goto(base.href + "#/queue");
  await page.waitForSelector('#queue-list tr[data-arch="amd64"]', { timeout: WAIT });
  const queue = await page.$$eval("#queue-list tr[data-arch]", (rows) =>
    rows.map((r) => `${r.dataset.arch}: ${r.dataset.waiting} waiting, ${r.dataset.running} running`),
  );
  check(queue.length === 2 && queue.every((q) => /^(amd64|arm64): \d+ waiting, \d+ running$/.test(q)), `the admin sees the build queue of each arch (${queue.join("; ")})`);
  await axeCheck(page, "the build queue view");
  await page.setViewportSize(PHONE);
  await fitsThePhone(page, "the build queue view");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(base.href + "#/audit");
  await page.waitForSelector("#audit-list table");
  await axeCheck(page, "the audit view");
  await page.setViewportSize(PHONE);
  await fitsThePhone(page, "the audit view");
  await page.setViewportSize({ width: 1280, height: 800 });

  // Recurring builds: whether they run, as the API says, and the switch, which flips it both
  // ways (the API agrees each time). It ends as it began, whatever happens.
  const recurring = () => apiAs(admin, "GET", "/v1/recurring-builds", undefined, true);
  const wasPaused = (await recurring()).paused;
  const says = (paused) => (paused ? "Recurring builds are paused." : "Recurring builds run on their schedules.");
  const switchLabel = (paused) => (paused ? "Resume recurring builds" : "Pause recurring builds");
  const showsRecurring = async (paused) => {
    await page.waitForSelector(`#recurring button:text-is("${switchLabel(paused)}")`, { timeout: WAIT });
    const text = await page.innerText("#recurring");
    return text.includes(says(paused)) && !text.includes(says(!paused));
  };
  await page.goto(base.href + "#/recurring");
  try {
    check(await showsRecurring(wasPaused), `the recurring builds view says "${says(wasPaused)}" as GET /v1/recurring-builds does, with "${switchLabel(wasPaused)}"`);
    check((await page.title()) === "Recurring builds · A4C" && (await page.innerText("nav [aria-current=page]")) === "Recurring builds", "the page's title and navigation name the recurring builds view");
    await axeCheck(page, `the recurring builds view (${wasPaused ? "paused" : "running"})`);
    await page.screenshot({ path: join(shots, wasPaused ? "recurring-paused.png" : "recurring.png"), fullPage: true });
    await page.click(`#recurring button:text-is("${switchLabel(wasPaused)}")`);
    check(await showsRecurring(!wasPaused), `"${switchLabel(wasPaused)}" makes the view say "${says(!wasPaused)}"`);
    const flipped = await recurring();
    check(flipped.paused === !wasPaused && flipped.updatedBy === admin, `and GET /v1/recurring-builds agrees (paused: ${flipped.paused}, by ${flipped.updatedBy})`);
    await axeCheck(page, `the recurring builds view (${wasPaused ? "running" : "paused"})`);
    await page.screenshot({ path: join(shots, wasPaused ? "recurring.png" : "recurring-paused.png"), fullPage: true });
    await page.setViewportSize(PHONE);
    await fitsThePhone(page, "the recurring builds view");
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.click(`#recurring button:text-is("${switchLabel(!wasPaused)}")`);
    check(await showsRecurring(wasPaused), `"${switchLabel(!wasPaused)}" switches it back`);
    check((await recurring()).paused === wasPaused, `and GET /v1/recurring-builds agrees (paused: ${wasPaused})`);
  } finally {
    if ((await recurring()).paused !== wasPaused) {
      await apiAs(admin, "PUT", "/v1/recurring-builds", { paused: wasPaused }, true);
    }
  }

  check(foreignRequests.length === 0, `the page requested no other origin than ${base.origin} ${foreignRequests.join(" ")}`);
  check(consoleErrors.length === 0, `the page logged no error (a CSP violation would) ${consoleErrors.join(" | ")}`);
  console.log("dashboard: all checks passed");
} finally {
  await browser.close();
}
