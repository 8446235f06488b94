// Unit tests of the PKCE pieces (node's test runner, on the TypeScript compiled by `npm test`).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  authorizeUrl,
  base64Url,
  challengeOf,
  newVerifier,
  tokenRequestBody,
} from "../target/test-build/pkce.js";

test("the challenge of RFC 7636's example verifier is the RFC's", async () => {
  assert.equal(
    await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

test("a verifier is 43 base64url characters and never repeats", () => {
  const a = newVerifier();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, newVerifier());
});

test("a too short or ill-formed verifier is refused", async () => {
  await assert.rejects(challengeOf("short"));
  await assert.rejects(challengeOf("x".repeat(42) + "/"));
});

test("base64url has no padding and no + or /", () => {
  assert.equal(base64Url(new Uint8Array([0xfb, 0xff])), "-_8");
});

test("the authorize URL carries the S256 challenge and no secret", () => {
  const url = new URL(
    authorizeUrl("https://id.example.com/oauth2/authorize", "client1", "https://d.example.com/", "CH", "ST"),
  );
  assert.equal(url.searchParams.get("code_challenge"), "CH");
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  assert.equal(url.searchParams.get("response_type"), "code");
  assert.equal(url.searchParams.get("state"), "ST");
  assert.equal(url.searchParams.get("client_secret"), null);
});

test("the token request sends the verifier, not a secret", () => {
  const body = tokenRequestBody("C", "V", "client1", "https://d.example.com/");
  assert.equal(body.get("grant_type"), "authorization_code");
  assert.equal(body.get("code_verifier"), "V");
  assert.equal(body.has("client_secret"), false);
});
