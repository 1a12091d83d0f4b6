/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { base64, hex, hmacSha256 } from "../../../test/signing";
import { webCryptoHmac } from "../../adapters/crypto/hmac";
import { WEBFLOW_TOLERANCE_MS } from "../../core/webhooks/signature-schemes";
import { verifySignature } from "./verify-signature";

const fixtures = import.meta.glob<string>("../../../test/fixtures/webhooks/*.json", {
  query: "?raw",
  import: "default",
  eager: true,
});

function body(name: string): Uint8Array {
  const text = fixtures[`../../../test/fixtures/webhooks/${name}.json`];
  if (text === undefined) {
    throw new Error(`no fixture ${name}`);
  }
  return new TextEncoder().encode(text);
}

const SECRET = "whsec_test_3b9f0c2e7a1d";
const NOW = 1_714_640_000_000;

const hmac = hmacSha256;
const withText = (prefix: string, bytes: Uint8Array) => {
  const head = new TextEncoder().encode(prefix);
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head);
  out.set(bytes, head.length);
  return out;
};
/** The same body with one byte changed. */
const tampered = (bytes: Uint8Array) => bytes.map((b, i) => (i === 40 ? b ^ 1 : b));

function check(rawBody: Uint8Array, headers: Record<string, string>, secret = SECRET, now = NOW) {
  // Header names arrive in any case; Hono's c.req.header() looks them up case-insensitively.
  const lookup = (name: string) =>
    Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return verifySignature({ rawBody, headers: lookup, secret, now }, webCryptoHmac);
}

describe("verifySignature: Typeform (sha256=<base64>)", () => {
  const raw = body("typeform-form-response");
  const header = async (secret = SECRET) => ({
    "Typeform-Signature": `sha256=${base64(await hmac(secret, raw))}`,
  });

  it("accepts the body it signed", async () => {
    expect(await check(raw, await header())).toEqual({ scheme: "typeform", result: "valid" });
  });
  it("refuses a tampered body, another secret, and a signature without its prefix", async () => {
    expect((await check(tampered(raw), await header())).result).toBe("invalid");
    expect((await check(raw, await header("another-secret"))).result).toBe("invalid");
    expect((await check(raw, { "typeform-signature": base64(await hmac(SECRET, raw)) })).result).toBe(
      "invalid",
    );
    expect((await check(raw, { "typeform-signature": "sha256=not base64!" })).result).toBe("invalid");
  });
});

describe("verifySignature: Tally (<base64>)", () => {
  const raw = body("tally-form-response");

  it("accepts the body it signed", async () => {
    const signature = base64(await hmac(SECRET, raw));
    expect(await check(raw, { "tally-signature": signature })).toEqual({ scheme: "tally", result: "valid" });
  });
  it("refuses a tampered body and another secret", async () => {
    const signature = base64(await hmac(SECRET, raw));
    expect((await check(tampered(raw), { "Tally-Signature": signature })).result).toBe("invalid");
    expect((await check(raw, { "Tally-Signature": signature }, "another-secret")).result).toBe("invalid");
  });
  it("checks the bytes as sent, not a re-serialised equivalent", async () => {
    const compact = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(raw))));
    const signature = base64(await hmac(SECRET, compact));
    expect((await check(raw, { "Tally-Signature": signature })).result).toBe("invalid");
    expect((await check(compact, { "Tally-Signature": signature })).result).toBe("valid");
  });
});

describe("verifySignature: Webflow (hex of '<timestamp>:<body>', 5 minutes)", () => {
  const raw = body("webflow-form-submission");
  const signed = async (timestamp: number, secret = SECRET) => ({
    "x-webflow-timestamp": String(timestamp),
    "x-webflow-signature": hex(await hmac(secret, withText(`${timestamp}:`, raw))),
  });

  it("accepts a fresh delivery, a little early or late", async () => {
    expect(await check(raw, await signed(NOW - 1_000))).toEqual({ scheme: "webflow", result: "valid" });
    expect((await check(raw, await signed(NOW + 30_000))).result).toBe("valid");
    expect((await check(raw, await signed(NOW - WEBFLOW_TOLERANCE_MS))).result).toBe("valid");
  });
  it("refuses a stale (replayed) or far-future timestamp even with a correct signature", async () => {
    expect((await check(raw, await signed(NOW - WEBFLOW_TOLERANCE_MS - 1))).result).toBe("invalid");
    expect((await check(raw, await signed(NOW + WEBFLOW_TOLERANCE_MS + 1))).result).toBe("invalid");
  });
  it("refuses a tampered body, another secret, a changed timestamp, or none", async () => {
    const headers = await signed(NOW);
    expect((await check(tampered(raw), headers)).result).toBe("invalid");
    expect((await check(raw, await signed(NOW, "another-secret"))).result).toBe("invalid");
    expect((await check(raw, { ...headers, "x-webflow-timestamp": String(NOW + 1) })).result).toBe("invalid");
    expect((await check(raw, { "x-webflow-signature": headers["x-webflow-signature"] })).result).toBe(
      "invalid",
    );
  });
});

describe("verifySignature: generic X-Signature (sha256=<hex>)", () => {
  const raw = body("google-forms-response");

  it("accepts the body it signed, in either hex case", async () => {
    const digest = hex(await hmac(SECRET, raw));
    expect(await check(raw, { "X-Signature": `sha256=${digest}` })).toEqual({
      scheme: "generic",
      result: "valid",
    });
    expect((await check(raw, { "X-Signature": `sha256=${digest.toUpperCase()}` })).result).toBe("valid");
  });
  it("refuses a tampered body, another secret, a bare digest and a short one", async () => {
    const digest = hex(await hmac(SECRET, raw));
    expect((await check(tampered(raw), { "X-Signature": `sha256=${digest}` })).result).toBe("invalid");
    expect((await check(raw, { "X-Signature": `sha256=${digest}` }, "another-secret")).result).toBe(
      "invalid",
    );
    expect((await check(raw, { "X-Signature": digest })).result).toBe("invalid");
    expect((await check(raw, { "X-Signature": `sha256=${digest.slice(2)}` })).result).toBe("invalid");
  });
  it("never validates with an empty secret", async () => {
    const digest = hex(await hmac("x", raw));
    expect((await check(raw, { "X-Signature": `sha256=${digest}` }, "")).result).toBe("invalid");
  });
});

describe("verifySignature: no signature", () => {
  it("is missing when no known header is present", async () => {
    const raw = body("zapier-flat");
    expect(await check(raw, {})).toEqual({ scheme: null, result: "missing" });
    expect(await check(raw, { "X-Hub-Signature-256": "sha256=00" })).toEqual({
      scheme: null,
      result: "missing",
    });
  });
});
