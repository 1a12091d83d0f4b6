export type SignatureCheck = "valid" | "invalid" | "missing";

export interface SignatureInput {
  /** The body exactly as received: every scheme signs the bytes, never a re-serialised JSON. */
  rawBody: Uint8Array;
  headers: (name: string) => string | undefined;
  /** Milliseconds since the epoch, for Webflow's replay window. */
  now: number;
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

/** What a signature header asks to be checked: an HMAC-SHA256 of `message` under the webhook's secret. */
export interface SignedMessage {
  scheme: "typeform" | "tally" | "webflow" | "generic";
  message: Uint8Array;
  /** Undefined when the header's value is not a well-formed signature: simply invalid. */
  signature: Uint8Array | undefined;
  /** False when the scheme's timestamp is outside its window (a replay): invalid whatever the MAC. */
  fresh: boolean;
}

/**
 * The first known signature header present, in this order:
 * - `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, body)>` (scheme "typeform");
 * - `Tally-Signature: <base64 HMAC-SHA256(secret, body)>` (scheme "tally");
 * - `X-Webflow-Signature: <hex HMAC-SHA256(secret, "<X-Webflow-Timestamp>:<body>")>`, the
 *   timestamp in milliseconds and within 5 minutes of now (scheme "webflow");
 * - `X-Signature: sha256=<hex HMAC-SHA256(secret, body)>`, for senders we document ourselves:
 *   Google Apps Script, Zapier and Make code steps (scheme "generic").
 * No such header: null (the signature is missing). Pure: the MAC itself is computed by the caller.
 */
export function signedMessage(input: SignatureInput): SignedMessage | null {
  const { rawBody, headers, now } = input;

  const typeform = headers("typeform-signature")?.trim();
  if (typeform !== undefined) {
    const signature = typeform.startsWith("sha256=") ? fromBase64(typeform.slice(7)) : undefined;
    return { scheme: "typeform", message: rawBody, signature, fresh: true };
  }

  // Tally's own example signs JSON.stringify(payload), which is exactly the text it sends; the raw
  // body is what gets checked, since re-serialising could make two different bodies equal.
  const tally = headers("tally-signature")?.trim();
  if (tally !== undefined) {
    return { scheme: "tally", message: rawBody, signature: fromBase64(tally), fresh: true };
  }

  const webflow = headers("x-webflow-signature")?.trim();
  if (webflow !== undefined) {
    const timestamp = headers("x-webflow-timestamp")?.trim() ?? "";
    const fresh = /^\d{1,15}$/.test(timestamp) && Math.abs(now - Number(timestamp)) <= WEBFLOW_TOLERANCE_MS;
    const message = concat(encoder.encode(`${timestamp}:`), rawBody);
    return { scheme: "webflow", message, signature: fromHex(webflow), fresh };
  }

  const generic = headers("x-signature")?.trim();
  if (generic !== undefined) {
    const signature = /^sha256=/i.test(generic) ? fromHex(generic.slice(7)) : undefined;
    return { scheme: "generic", message: rawBody, signature, fresh: true };
  }
  return null;
}
