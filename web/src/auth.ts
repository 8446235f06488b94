// Signing in: a development user locally, the identity provider's authorization-code flow with
// PKCE in AWS. The access token stays in memory (a reload signs in again); only the verifier and
// state of a sign-in under way wait in sessionStorage across the provider's redirect.
import { authorizeUrl, challengeOf, newVerifier, tokenRequestBody } from "./pkce";

/** What the CDK stack writes next to the page in AWS (`config.json`); absent locally. */
export interface Config {
  apiUrl: string;
  issuer: string;
  clientId: string;
}

/** The deployed configuration, or null: the local runtime, same origin, development users. */
export async function loadConfig(): Promise<Config | null> {
  const response = await fetch("./config.json", { cache: "no-store" });
  if (!response.ok || !(response.headers.get("content-type") ?? "").includes("json")) return null;
  return (await response.json()) as Config;
}

interface Endpoints {
  authorization_endpoint: string;
  token_endpoint: string;
}

async function endpoints(issuer: string): Promise<Endpoints> {
  const response = await fetch(issuer.replace(/\/$/, "") + "/.well-known/openid-configuration");
  if (!response.ok) throw new Error(`the identity provider answered ${response.status}`);
  return (await response.json()) as Endpoints;
}

const PENDING = "a4c.signin";

function redirectUri(): string {
  return location.origin + location.pathname;
}

/** Sends the browser to the identity provider. */
export async function startSignIn(config: Config): Promise<void> {
  const verifier = newVerifier();
  const state = newVerifier();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const { authorization_endpoint } = await endpoints(config.issuer);
  location.assign(
    authorizeUrl(authorization_endpoint, config.clientId, redirectUri(), await challengeOf(verifier), state),
  );
}

/** Back from the identity provider: trades the code for a token, or null when not returning. */
export async function finishSignIn(config: Config): Promise<string | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  const pending = sessionStorage.getItem(PENDING);
  if (!code || !pending) return null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, "", redirectUri() + location.hash);
  const { verifier, state } = JSON.parse(pending) as { verifier: string; state: string };
  if (params.get("state") !== state) throw new Error("the sign-in's state does not match: try again");
  const { token_endpoint } = await endpoints(config.issuer);
  const response = await fetch(token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: tokenRequestBody(code, verifier, config.clientId, redirectUri()),
  });
  if (!response.ok) throw new Error(`the identity provider refused the code (${response.status})`);
  const tokens = (await response.json()) as { access_token?: string; id_token?: string };
  const token = tokens.access_token ?? tokens.id_token;
  if (!token) throw new Error("the identity provider sent no token");
  return token;
}
