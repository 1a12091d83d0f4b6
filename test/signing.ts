// Signs like the form builders do, so tests can send valid (and invalid) signatures.
export async function hmacSha256(secret: string, message: Uint8Array | string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const bytes = typeof message === "string" ? new TextEncoder().encode(message) : message;
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes));
}

export const base64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
export const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
