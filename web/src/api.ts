// Calls to A4C's API, typed by the types openapi-typescript generates from docs/openapi.yaml.
import type { components } from "./openapi";

export type Schemas = components["schemas"];
export type Workspace = Schemas["Workspace"];
export type Host = Schemas["Host"];
export type ImageSchedule = Schemas["ImageSchedule"];
export type ProjectListing = Schemas["ProjectListing"];
export type SshKey = Schemas["SshKey"];
export type AuditEntry = Schemas["AuditEntry"];
export type BuildLog = Schemas["BuildLog"];
export type BuildQueue = Schemas["BuildQueue"];
export type Problem = Schemas["Problem"];

/** A failed call: the API's problem (RFC 9457), whose `detail` the page shows as it is. */
export class ProblemError extends Error {
  constructor(readonly problem: Pick<Problem, "status" | "detail"> & Partial<Problem>) {
    super(problem.detail);
  }
}

/** One signed-in session: the API's root and the bearer token, kept in memory only. */
export class Api {
  constructor(
    readonly root: string,
    private readonly token: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(this.root + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ProblemError({ status: 0, detail: "the API cannot be reached" });
    }
    return (await readBody(response)) as T;
  }
}

/** A response's JSON, or a ProblemError: the API's problem, or the status when it sent none. */
async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  let json: { detail?: unknown } | undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    throw new ProblemError(
      typeof json?.detail === "string"
        ? (json as Problem)
        : { status: response.status, detail: `the server answered ${response.status} ${response.statusText}` },
    );
  }
  if (text && json === undefined) {
    throw new ProblemError({ status: response.status, detail: "the server's answer is not JSON" });
  }
  return json;
}

/** Asks the local runtime for a development token (`POST /local/tokens`). */
export async function developmentToken(root: string, sub: string, admin: boolean): Promise<string> {
  const response = await fetch(root + "/local/tokens", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub, admin }),
  });
  return ((await readBody(response)) as { token: string }).token;
}
