// The dashboard end to end in headless Chromium (Debian's, through playwright-core) against a
// running local runtime. local/.../DashboardTest starts the runtime, sets up a project with a
// ready image and another user's workspace, and runs this with:
//   A4C_URL            the runtime's base URL (the page and the API)
//   A4C_E2E_PROJECT    a project whose parent main has an amd64 image
//   A4C_E2E_USER       the development user who signs in
//   A4C_E2E_ADMIN      an admin's user id
//   A4C_E2E_FOREIGN    another user's workspace id, which must never appear
//   A4C_E2E_HOSTS      how many hosts the admin must see
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

  // On a phone's screen too.
  await page.setViewportSize({ width: 390, height: 844 });
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
  await page.goto(base.href + "#/builds");
  await page.waitForSelector("#build-list :is(table, p)");
  await axeCheck(page, "the builds view");
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
  await axeCheck(page, "the hosts view");
  await page.screenshot({ path: join(shots, "hosts.png"), fullPage: true });
  await page.goto(base.href + "#/audit");
  await page.waitForSelector("#audit-list table");
  await axeCheck(page, "the audit view");

  check(foreignRequests.length === 0, `the page requested no other origin than ${base.origin} ${foreignRequests.join(" ")}`);
  check(consoleErrors.length === 0, `the page logged no error (a CSP violation would) ${consoleErrors.join(" | ")}`);
  console.log("dashboard: all checks passed");
} finally {
  await browser.close();
}
