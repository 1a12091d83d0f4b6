/** Standard Webhooks secret format: `whsec_` + base64 of the key (32 random bytes, given by the caller). */
export const WEBHOOK_SECRET_BYTES = 32;

export function formatWebhookSecret(key: Uint8Array): string {
  return `whsec_${btoa(String.fromCharCode(...key))}`;
}
