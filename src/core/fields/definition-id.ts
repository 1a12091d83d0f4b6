import { sha256Hex } from "../auth/sha256";

/**
 * Definition ids are derived, not random: two requests that create the same field at the same time
 * produce the same id, and the ledger's primary key makes them one row.
 */
export function definitionIdFor(tenantId: string, key: string): string {
  const hex = sha256Hex(`field-definition:${tenantId}:${key}`);
  // Shaped as an RFC 9562 version 8 (custom) UUID.
  const variant = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
