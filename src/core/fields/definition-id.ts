import { sha256Hex } from "../auth/api-key";

/**
 * Definition ids are derived, not random: two requests that create the same field at the same time
 * (in different colos, before KV has propagated) produce the same definition, never two.
 */
export async function definitionIdFor(tenantId: string, key: string): Promise<string> {
  const hex = await sha256Hex(`field-definition:${tenantId}:${key}`);
  // Shaped as an RFC 9562 version 8 (custom) UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
