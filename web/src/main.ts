// The dashboard: a developer's workspaces, builds and SSH keys; an admin's hosts, audit trail and
// recurring builds. Hash routes (#/workspaces, ...) so that the one page serves every view.
import "./style.css";
import {
  Api,
  developmentToken,
  ProblemError,
  type AuditEntry,
  type BuildLog,
  type BuildQueue,
  type Host,
  type ImageSchedule,
  type ProjectListing,
  type SshKey,
  type Workspace,
} from "./api";
import { finishSignIn, loadConfig, startSignIn, type Config } from "./auth";
import { age, gigabytes, h, table } from "./dom";
import { LogFollower } from "./logfollow";
import { IDLE_MS, refreshAfter } from "./pace";

const main = document.getElementById("main")!;
const nav = document.getElementById("nav")!;
const who = document.getElementById("who")!;
const problemBox = document.getElementById("problem")!;

/** Placement refuses a host whose disk is this full: drawn on every disk bar. */
const DISK_LIMIT = 0.95;
const POLL_MS = IDLE_MS;

interface Session {
  api: Api;
  user: string;
  admin: boolean;
}

let session: Session | null = null;
let config: Config | null = null;
let stopView: () => void = () => {};

function showProblem(error: unknown): void {
  const detail = error instanceof ProblemError || error instanceof Error ? error.message : String(error);
  problemBox.replaceChildren(h("p", {}, h("strong", {}, "Problem: "), detail));
}

function clearProblem(): void {
  problemBox.replaceChildren();
}

/** Runs an action, showing the API's detail when it fails; true when it succeeded. */
async function attempt(action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    clearProblem();
    return true;
  } catch (e) {
    showProblem(e);
    return false;
  }
}

/**
 * Calls `refresh` now and again until the view changes: after the pause in ms it answers (see
 * pace.ts), else POLL_MS.
 */
function poll(refresh: () => Promise<number | void>): () => void {
  let stopped = false;
  let timer = 0;
  const tick = async () => {
    let after = POLL_MS;
    try {
      after = (await refresh()) ?? POLL_MS;
    } catch (e) {
      showProblem(e);
    }
    if (!stopped) timer = window.setTimeout(tick, after);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function userPath(rest: string): string {
  return `/v1/users/me${rest}`;
}

// ---- sign-in --------------------------------------------------------------------------------

function signInView(): void {
  nav.replaceChildren();
  who.replaceChildren();
  if (config) {
    main.replaceChildren(
      h("section", { "aria-labelledby": "signin-title" },
        h("h2", { id: "signin-title" }, "Sign in"),
        h("button", { type: "button", onclick: () => attempt(() => startSignIn(config!)) }, "Sign in with your identity provider"),
      ),
    );
    return;
  }
  const user = h("input", { id: "signin-user", name: "user", required: true, autocomplete: "username", pattern: "[A-Za-z0-9._@\\-]{1,128}" }) as HTMLInputElement;
  const admin = h("input", { id: "signin-admin", type: "checkbox", name: "admin" }) as HTMLInputElement;
  const form = h("form", { "aria-labelledby": "signin-title" },
    h("h2", { id: "signin-title" }, "Sign in as a development user"),
    h("p", {}, "The local runtime mints development tokens (POST /local/tokens)."),
    h("label", { for: "signin-user" }, "User id"), user,
    h("div", { class: "check" }, admin, h("label", { for: "signin-admin" }, "Administrator")),
    h("button", { type: "submit" }, "Sign in"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void attempt(async () => {
      const token = await developmentToken("", user.value.trim(), admin.checked);
      await signedIn(new Api("", token), user.value.trim());
    });
  });
  main.replaceChildren(form);
  user.focus();
}

async function signedIn(api: Api, user: string): Promise<void> {
  // Whoever may list hosts is an admin: the same rule the API applies, whatever the claim's name.
  const admin = await api.call("GET", "/v1/hosts").then(() => true, () => false);
  session = { api, user, admin };
  clearProblem();
  who.replaceChildren(
    h("span", {}, `Signed in as ${user}${admin ? " (admin)" : ""}`),
    h("button", { type: "button", class: "link", onclick: signOut }, "Sign out"),
  );
  if (!location.hash || location.hash === "#/") location.hash = admin ? "#/hosts" : "#/workspaces";
  route();
}

function signOut(): void {
  stopView();
  session = null;
  location.hash = "";
  signInView();
}

// ---- routes ---------------------------------------------------------------------------------

const VIEWS: Record<string, { title: string; admin: boolean; show: (s: Session) => () => void }> = {
  workspaces: { title: "Workspaces", admin: false, show: workspacesView },
  builds: { title: "Builds", admin: false, show: buildsView },
  keys: { title: "SSH keys", admin: false, show: keysView },
  hosts: { title: "Hosts", admin: true, show: hostsView },
  queue: { title: "Build queue", admin: true, show: queueView },
  audit: { title: "Audit", admin: true, show: auditView },
  recurring: { title: "Recurring builds", admin: true, show: recurringView },
};

function route(): void {
  stopView();
  if (!session) return signInView();
  const s = session;
  const name = location.hash.replace(/^#\//, "") || "workspaces";
  const view = VIEWS[name] && (!VIEWS[name].admin || s.admin) ? name : "workspaces";
  nav.replaceChildren(
    h("ul", {}, ...Object.entries(VIEWS)
      .filter(([, v]) => !v.admin || s.admin)
      .map(([key, v]) => h("li", {}, h("a", { href: `#/${key}`, "aria-current": key === view ? "page" : undefined }, v.title)))),
  );
  main.replaceChildren();
  stopView = VIEWS[view].show(s);
  document.title = `${VIEWS[view].title} · A4C`;
}

// ---- developer: workspaces --------------------------------------------------------------------

function workspacesView(s: Session): () => void {
  const list = h("div", { id: "workspace-list" });
  const form = createForm(s);
  main.append(
    h("section", { "aria-labelledby": "ws-title" }, h("h2", { id: "ws-title" }, "Your workspaces"), list),
    form,
  );
  return poll(async () => {
    const page = await s.api.call<{ items: Workspace[] }>("GET", userPath("/workspaces?limit=100"));
    list.replaceChildren(workspaceTable(s, page.items));
    return refreshAfter(page.items);
  });
}

function workspaceTable(s: Session, items: Workspace[]): HTMLElement {
  if (items.length === 0) return h("p", {}, "No workspaces yet.");
  return table(["Workspace", "Project", "State", "Host", "Change", "For", "SSH", "Actions"], items.map((w) => ({
    attrs: { "data-workspace": w.workspaceId, "data-state": w.state },
    cells: [
      [w.name ?? w.workspaceId, h("div", { class: "small" }, w.hostname)],
      `${w.projectName} / ${w.parentName} / ${w.arch}`,
      [h("span", { class: `state state-${w.state}` }, w.state), w.step ? h("div", { class: "small" }, w.step) : null, w.reason ? h("div", { class: "small" }, w.reason) : null],
      w.hostId,
      w.change,
      age(w.updatedAt),
      w.ssh ? sshCommand(`ssh ${w.ssh.user}@${w.ssh.host}`) : h("span", { class: "small" }, w.sshUnavailable ?? "–"),
      h("div", { class: "actions" }, ...workspaceActions(s, w)),
    ],
  })));
}

/** The command that logs in, selectable in one click, with a button that copies it. */
function sshCommand(command: string): HTMLElement {
  return h("div", {},
    h("code", { class: "copy" }, command), " ",
    h("button", { type: "button", class: "link", "aria-label": `Copy ${command}`, onclick: () => attempt(() => navigator.clipboard.writeText(command)) }, "Copy"));
}

function workspaceActions(s: Session, w: Workspace): HTMLElement[] {
  const act = (label: string, method: string, suffix: string) =>
    h("button", {
      type: "button",
      "aria-label": `${label} ${w.name ?? w.workspaceId}`,
      onclick: () => attempt(() => s.api.call(method, userPath(`/workspaces/${w.workspaceId}${suffix}`))),
    }, label);
  const buttons: HTMLElement[] = [];
  if (w.state === "RUNNING") buttons.push(act("Stop", "POST", "/stop"));
  if (w.state === "STOPPED") buttons.push(act("Start", "POST", "/start"));
  if (w.state === "RUNNING" || w.state === "STOPPED") buttons.push(act("Rebuild", "POST", "/rebuild"));
  if (w.state !== "DELETING") buttons.push(act("Delete", "DELETE", ""));
  return buttons;
}

function select(id: string, label: string, options: string[]): [HTMLElement, HTMLSelectElement] {
  const el = h("select", { id, name: id, required: true }, ...options.map((o) => h("option", { value: o }, o))) as HTMLSelectElement;
  return [h("label", { for: id }, label), el];
}

function createForm(s: Session): HTMLElement {
  const form = h("form", { "aria-labelledby": "create-title" }, h("h2", { id: "create-title" }, "New workspace"));
  const fields = h("div", { class: "fields" }, h("p", {}, "Loading projects…"));
  form.append(fields);
  void attempt(async () => {
    const projects = (await s.api.call<{ items: ProjectListing[] }>("GET", "/v1/projects")).items;
    if (projects.length === 0) {
      fields.replaceChildren(h("p", {}, "No project has been set up yet."));
      return;
    }
    const [projectLabel, project] = select("create-project", "Project", projects.map((p) => p.projectName));
    const [parentLabel, parent] = select("create-parent", "Parent", []);
    const [archLabel, arch] = select("create-arch", "Arch", []);
    const change = h("input", { id: "create-change", name: "change", placeholder: "newest" }) as HTMLInputElement;
    const name = h("input", { id: "create-name", name: "name", placeholder: "optional" }) as HTMLInputElement;
    const fill = (el: HTMLSelectElement, values: string[]) =>
      el.replaceChildren(...values.map((v) => h("option", { value: v }, v)));
    const parents = () => projects.find((p: ProjectListing) => p.projectName === project.value)?.parents ?? [];
    const onParent = () => {
      const images = parents().find((p) => p.parentName === parent.value)?.images ?? [];
      fill(arch, images.map((i) => i.arch));
    };
    const onProject = () => {
      fill(parent, parents().map((p) => p.parentName));
      onParent();
    };
    project.addEventListener("change", onProject);
    parent.addEventListener("change", onParent);
    onProject();
    fields.replaceChildren(
      projectLabel, project, parentLabel, parent, archLabel, arch,
      h("label", { for: "create-change" }, "Change (optional)"), change,
      h("label", { for: "create-name" }, "Name (optional)"), name,
      h("button", { type: "submit" }, "Create"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void attempt(() => s.api.call("POST", userPath("/workspaces"), {
        projectName: project.value,
        parentName: parent.value,
        arch: arch.value,
        ...(change.value.trim() ? { change: change.value.trim() } : {}),
        ...(name.value.trim() ? { name: name.value.trim() } : {}),
      }));
    });
  });
  return form;
}

// ---- developer: builds ----------------------------------------------------------------------

function buildsView(s: Session): () => void {
  const list = h("div", { id: "build-list" });
  const logBox = h("section", { "aria-labelledby": "log-title", hidden: true },
    h("h2", { id: "log-title" }, "Log"), h("pre", { id: "build-log", tabindex: 0 }));
  let stopLog: () => void = () => {};
  const showLog = (b: ImageSchedule) => {
    stopLog();
    logBox.hidden = false;
    logBox.querySelector("h2")!.textContent = `Log of ${b.imageName ?? b.scheduleId}`;
    stopLog = followLog(s, b.scheduleId, logBox.querySelector("pre")!);
  };
  main.append(h("section", { "aria-labelledby": "builds-title" }, h("h2", { id: "builds-title" }, "Your builds"), list), logBox);
  const stop = poll(async () => {
    const page = await s.api.call<{ items: ImageSchedule[] }>("GET", userPath("/image-schedules?limit=100"));
    list.replaceChildren(page.items.length === 0 ? h("p", {}, "No builds yet.") : table(["Build", "Project", "Status", "Waiting", "Host", "Since", "Actions"], page.items.map((b) => ({
      attrs: { "data-schedule": b.scheduleId, "data-status": b.status },
      cells: [
        b.imageName ?? b.scheduleId,
        `${b.projectName} / ${b.parentName} / ${b.arch} @ ${b.change ?? "newest"}`,
        [h("span", { class: `state state-${b.status}` }, b.status), b.reason ? h("div", { class: "small" }, b.reason) : null],
        b.waiting ? `#${b.waiting.position}: ${b.waiting.reason}` : "–",
        b.hostId ?? "–",
        age(b.updatedAt),
        h("div", { class: "actions" },
          h("button", { type: "button", onclick: () => showLog(b), "aria-label": `Log of ${b.imageName ?? b.scheduleId}` }, "Log"),
          b.status === "SCHEDULED" ? h("button", { type: "button", onclick: () => attempt(() => s.api.call("DELETE", userPath(`/image-schedules/${b.scheduleId}`))) }, "Cancel") : null),
      ],
    }))));
  });
  return () => {
    stop();
    stopLog();
  };
}

/**
 * Shows a build's log and follows it while the build runs: every POLL_MS it asks only for the
 * text after what it shows (`?after=`, the previous answer's `nextOffset`) and appends it, until
 * the API says the build has `ended`.
 */
function followLog(s: Session, scheduleId: string, pre: HTMLElement): () => void {
  const follower = new LogFollower((after) =>
    s.api.call<BuildLog>("GET", userPath(`/image-schedules/${scheduleId}/log?after=${after}`)),
  );
  let stop = () => {};
  stop = poll(async () => {
    try {
      const step = await follower.next();
      if (step.replace) pre.textContent = step.text;
      else if (step.text) pre.append(step.text);
      pre.dataset.ended = String(step.ended);
      if (follower.ended) stop();
    } catch (e) {
      if (e instanceof ProblemError && e.problem.status === 404) pre.textContent = "No log yet.";
      else throw e;
    }
  });
  return () => stop();
}

// ---- developer: SSH keys --------------------------------------------------------------------

function keysView(s: Session): () => void {
  const list = h("div", { id: "key-list" });
  const name = h("input", { id: "key-name", name: "name", required: true }) as HTMLInputElement;
  const key = h("textarea", { id: "key-text", name: "publicKey", required: true, rows: 3 }) as HTMLTextAreaElement;
  const refresh = async () => {
    const keys = (await s.api.call<{ items: SshKey[] }>("GET", userPath("/ssh-keys"))).items;
    list.replaceChildren(keys.length === 0 ? h("p", {}, "No keys yet.") : h("ul", { class: "keys" }, ...keys.map((k) => h("li", {},
      h("strong", {}, k.name), ` ${k.type} ${k.fingerprint} `,
      h("button", { type: "button", "aria-label": `Remove key ${k.name}`, onclick: () => attempt(async () => {
        await s.api.call("DELETE", userPath(`/ssh-keys/${encodeURIComponent(k.name)}`));
        await refresh();
      }) }, "Remove")))));
  };
  const form = <HTMLFormElement>h("form", { "aria-labelledby": "key-title" }, h("h2", { id: "key-title" }, "Add a key"),
    h("label", { for: "key-name" }, "Name"), name,
    h("label", { for: "key-text" }, "Public key (the .pub file's line)"), key,
    h("button", { type: "submit" }, "Add"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void attempt(async () => {
      await s.api.call("PUT", userPath(`/ssh-keys/${encodeURIComponent(name.value.trim())}`), { publicKey: key.value.trim() });
      form.reset();
      await refresh();
    });
  });
  main.append(h("section", { "aria-labelledby": "keys-title" }, h("h2", { id: "keys-title" }, "Your SSH keys"), list), form);
  void attempt(refresh);
  return () => {};
}

// ---- admin: hosts, audit, recurring builds --------------------------------------------------

function bar(label: string, used: number, total: number, limit?: number): HTMLElement {
  const fraction = total > 0 ? Math.min(1, used / total) : 0;
  const percent = Math.round(fraction * 100);
  const over = limit !== undefined && fraction >= limit;
  const fill = h("div", { class: "bar-fill" });
  // CSSOM, not a style attribute: the page's Content-Security-Policy allows no inline styles.
  fill.style.width = `${percent}%`;
  const line = limit === undefined ? null : h("div", { class: "bar-limit" });
  if (line) line.style.left = `${limit! * 100}%`;
  return h("div", {
    class: `bar-track${over ? " over" : ""}`,
    role: "meter",
    "aria-label": label,
    "aria-valuemin": 0,
    "aria-valuemax": 100,
    "aria-valuenow": percent,
    "aria-valuetext": `${percent}%`,
  },
    fill,
    line);
}

function hostsView(s: Session): () => void {
  const list = h("div", { id: "host-list", class: "hosts" });
  main.append(h("section", { "aria-labelledby": "hosts-title" }, h("h2", { id: "hosts-title" }, "Hosts"),
    h("p", { class: "small" }, `Disk bars show the ${DISK_LIMIT * 100} % line past which no workspace is placed.`), list));
  return poll(async () => {
    const hosts = (await s.api.call<{ items: Host[] }>("GET", "/v1/hosts")).items;
    list.replaceChildren(...hosts.map((host) => h("article", { class: "host", "data-host": host.hostId, "aria-labelledby": `host-${host.hostId}` },
      h("h3", { id: `host-${host.hostId}` }, host.hostId, " ", h("span", { class: `state state-${host.status}` }, host.status)),
      h("p", { class: "small" }, `${host.arch} · heartbeat ${age(host.lastHeartbeatAt)} ago`),
      h("p", {}, `Disk ${gigabytes(host.diskUsedBytes)} of ${gigabytes(host.diskTotalBytes)}`),
      bar(`Disk used on ${host.hostId}`, host.diskUsedBytes, host.diskTotalBytes, DISK_LIMIT),
      h("p", { class: "host-workspaces" },
        `Workspaces ${host.assignedWorkspaces} of ${host.capacity} (${host.runningWorkspaces} running, ${host.workingOn.length} in hand)`),
      bar(`Workspaces on ${host.hostId}`, host.assignedWorkspaces, host.capacity),
      host.status === "DOWN" ? null : h("button", {
        type: "button",
        onclick: () => attempt(() => s.api.call("PUT", `/v1/hosts/${host.hostId}/status`, { status: host.status === "ACTIVE" ? "DRAINING" : "ACTIVE" })),
      }, host.status === "ACTIVE" ? `Drain ${host.hostId}` : `Activate ${host.hostId}`),
    )));
  });
}

/** Per arch: builds waiting and running, by kind, and the one that has waited longest and why. */
function queueView(s: Session): () => void {
  const list = h("div", { id: "queue-list" });
  main.append(h("section", { "aria-labelledby": "queue-title" }, h("h2", { id: "queue-title" }, "Build queue"),
    h("p", { class: "small" }, "Each arch has its own queue; builds users asked for go ahead of recurring ones."), list));
  return poll(async () => {
    const queue = await s.api.call<BuildQueue>("GET", "/v1/builds/queue");
    list.replaceChildren(table(["Arch", "Waiting", "Running", "Waiting longest"], queue.arches.map((q) => ({
      attrs: { "data-arch": q.arch, "data-waiting": q.waiting.user + q.waiting.recurring, "data-running": q.running.user + q.running.recurring },
      cells: [
        q.arch,
        `${q.waiting.user} user, ${q.waiting.recurring} recurring`,
        `${q.running.user} user, ${q.running.recurring} recurring`,
        q.oldestWaiting
          ? [`${q.oldestWaiting.userId}'s ${q.oldestWaiting.scheduleId}, ${age(q.oldestWaiting.scheduledAt)}`,
            h("div", { class: "small" }, `#${q.oldestWaiting.waiting.position}: ${q.oldestWaiting.waiting.reason}`)]
          : "–",
      ],
    }))));
  });
}

function auditView(s: Session): () => void {
  const list = h("div", { id: "audit-list" });
  const user = h("input", { id: "audit-user", name: "userId", placeholder: "any user" }) as HTMLInputElement;
  const action = h("input", { id: "audit-action", name: "action", placeholder: "any action, e.g. workspace." }) as HTMLInputElement;
  let entries: AuditEntry[] = [];
  const render = () => {
    const shown = entries.filter((e) => e.action.startsWith(action.value.trim()));
    list.replaceChildren(shown.length === 0 ? h("p", {}, "No entries.") : table(["When", "Action", "Actor", "User", "Target"], shown.map((e) => ({
      cells: [new Date(e.at).toLocaleString(), e.action, e.actor + (e.admin ? " (admin)" : ""), e.userId ?? "–", e.target ?? "–"],
    }))));
  };
  const load = async () => {
    const query = user.value.trim() ? `&userId=${encodeURIComponent(user.value.trim())}` : "";
    entries = (await s.api.call<{ items: AuditEntry[] }>("GET", `/v1/audit?limit=100${query}`)).items;
    render();
  };
  const form = h("form", { "aria-labelledby": "audit-title", class: "inline" },
    h("label", { for: "audit-user" }, "User"), user,
    h("label", { for: "audit-action" }, "Action starts with"), action,
    h("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void attempt(load);
  });
  main.append(h("section", {}, h("h2", { id: "audit-title" }, "Audit trail"), form, list));
  void attempt(load);
  return () => {};
}

function recurringView(s: Session): () => void {
  const box = h("div", { id: "recurring" });
  const load = async () => {
    const state = await s.api.call<{ paused: boolean }>("GET", "/v1/recurring-builds");
    box.replaceChildren(
      h("p", {}, state.paused ? "Recurring builds are paused." : "Recurring builds run on their schedules."),
      h("button", { type: "button", onclick: () => attempt(async () => {
        await s.api.call("PUT", "/v1/recurring-builds", { paused: !state.paused });
        await load();
      }) }, state.paused ? "Resume recurring builds" : "Pause recurring builds"));
  };
  main.append(h("section", { "aria-labelledby": "rec-title" }, h("h2", { id: "rec-title" }, "Recurring builds"), box));
  void attempt(load);
  return () => {};
}

// ---- start ----------------------------------------------------------------------------------

window.addEventListener("hashchange", route);
void (async () => {
  try {
    config = await loadConfig();
    if (config) {
      const token = await finishSignIn(config);
      if (token) {
        const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
        await signedIn(new Api(config.apiUrl.replace(/\/$/, ""), token), payload.email ?? payload.sub);
        return;
      }
    }
  } catch (e) {
    showProblem(e);
  }
  signInView();
})();
