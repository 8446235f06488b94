// The pieces of the OAuth 2.0 authorization-code flow with PKCE (RFC 7636) that the dashboard
// uses in AWS, kept free of the DOM so that node's test runner checks them.

/** base64url without padding, as RFC 7636 writes verifiers and challenges. */
export function base64Url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A fresh code verifier: 32 random bytes, 43 characters of [A-Za-z0-9_-]. */
export function newVerifier(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The S256 challenge of a verifier: base64url(SHA-256(verifier)). */
export async function challengeOf(verifier: string): Promise<string> {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) {
    throw new Error("a code verifier is 43 to 128 characters of A-Z a-z 0-9 . _ ~ -");
  }
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** Where the browser goes to sign in: the issuer's authorization endpoint with PKCE. */
export function authorizeUrl(
  authorizationEndpoint: string,
  clientId: string,
  redirectUri: string,
  challenge: string,
  state: string,
): string {
  const url = new URL(authorizationEndpoint);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("scope", "openid email");
  url.searchParams.set("code_challenge", challenge);
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("state", state);
  return url.toString();
}

/** The token request's form body: the code and the verifier, no client secret (a public client). */
export function tokenRequestBody(
  code: string,
  verifier: string,
  clientId: string,
  redirectUri: string,
): URLSearchParams {
  return new URLSearchParams({
    grant_type: "authorization_code",
    code,
    code_verifier: verifier,
    client_id: clientId,
    redirect_uri: redirectUri,
  });
}
