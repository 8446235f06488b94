// A few lines instead of a framework: elements from tag, attributes and children.
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

export function h(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** "3 min" from an instant to now: how long a state has lasted, or a heartbeat's age. */
export function age(at: string | undefined, now = Date.now()): string {
  if (!at) return "–";
  const s = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

export function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

/** One row of a {@link table}: its cells (one per header) and the row's own attributes. */
export interface Row {
  attrs?: Attrs;
  cells: (Child | Child[])[];
}

/**
 * A table with column headers, in a box that scrolls sideways on a wide screen. Each cell names
 * its column (`data-label`), which a narrow screen shows beside it when rows become cards.
 */
export function table(headers: string[], rows: Row[]): HTMLElement {
  return h("div", { class: "scroll" }, h("table", { class: "cards" },
    h("thead", {}, h("tr", {}, ...headers.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...rows.map((row) => h("tr", row.attrs ?? {},
      // One element per cell, so that on a phone it sits in one column beside its label.
      ...row.cells.map((cell, i) => h("td", { "data-label": headers[i] }, h("div", {}, cell))))))));
}
