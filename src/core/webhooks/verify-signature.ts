export type SignatureCheck = "valid" | "invalid" | "missing";

export interface SignatureInput {
  /** The body exactly as received: every scheme signs the bytes, never a re-serialised JSON. */
  rawBody: Uint8Array;
  headers: (name: string) => string | undefined;
  secret: string;
  /** Milliseconds since the epoch (Date.now), for Webflow's replay window. */
  now: () => number;
}

/** Webflow rejects deliveries older than this (https://developers.webflow.com/data/docs/working-with-webhooks). */
export const WEBFLOW_TOLERANCE_MS = 5 * 60 * 1000;

const encoder = new TextEncoder();

function fromHex(text: string): Uint8Array | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(text)) {
    return undefined;
  }
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
  }
  return bytes;
}

function fromBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) {
    return undefined;
  }
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * HMAC-SHA256 check through crypto.subtle.verify, which compares the MACs in constant time. A
 * signature of the wrong length or encoding is simply invalid, never an exception.
 */
async function hmacMatches(
  secret: string,
  message: Uint8Array,
  signature: Uint8Array | undefined,
): Promise<boolean> {
  // An empty secret cannot be imported as an HMAC key, and would prove nothing anyway.
  if (signature === undefined || signature.length !== 32 || secret === "") {
    return false;
  }
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  return crypto.subtle.verify("HMAC", key, signature, message);
}

const outcome = (scheme: string, valid: boolean): { scheme: string; result: SignatureCheck } => ({
  scheme,
  result: valid ? "valid" : "invalid",
});

/**
 * Checks the first known signature header present, in this order:
 * - `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, body)>` (scheme "typeform");
 * - `Tally-Signature: <base64 HMAC-SHA256(secret, body)>` (scheme "tally");
 * - `X-Webflow-Signature: <hex HMAC-SHA256(secret, "<X-Webflow-Timestamp>:<body>")>`, the
 *   timestamp in milliseconds and within 5 minutes of now (scheme "webflow");
 * - `X-Signature: sha256=<hex HMAC-SHA256(secret, body)>`, for senders we document ourselves:
 *   Google Apps Script, Zapier and Make code steps (scheme "generic").
 * No such header: `{ scheme: null, result: "missing" }`.
 */
export async function verifySignature(
  input: SignatureInput,
): Promise<{ scheme: string | null; result: SignatureCheck }> {
  const { rawBody, headers, secret, now } = input;

  const typeform = headers("typeform-signature")?.trim();
  if (typeform !== undefined) {
    const signature = typeform.startsWith("sha256=") ? fromBase64(typeform.slice(7)) : undefined;
    return outcome("typeform", await hmacMatches(secret, rawBody, signature));
  }

  // Tally's own example signs JSON.stringify(payload), which is exactly the text it sends; the raw
  // body is what gets checked, since re-serialising could make two different bodies equal.
  const tally = headers("tally-signature")?.trim();
  if (tally !== undefined) {
    return outcome("tally", await hmacMatches(secret, rawBody, fromBase64(tally)));
  }

  const webflow = headers("x-webflow-signature")?.trim();
  if (webflow !== undefined) {
    const timestamp = headers("x-webflow-timestamp")?.trim() ?? "";
    const fresh = /^\d{1,15}$/.test(timestamp) && Math.abs(now() - Number(timestamp)) <= WEBFLOW_TOLERANCE_MS;
    const message = concat(encoder.encode(`${timestamp}:`), rawBody);
    return outcome("webflow", fresh && (await hmacMatches(secret, message, fromHex(webflow))));
  }

  const generic = headers("x-signature")?.trim();
  if (generic !== undefined) {
    const signature = /^sha256=/i.test(generic) ? fromHex(generic.slice(7)) : undefined;
    return outcome("generic", await hmacMatches(secret, rawBody, signature));
  }

  return { scheme: null, result: "missing" };
}
