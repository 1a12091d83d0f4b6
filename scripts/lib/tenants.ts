import { generateApiKey, parseApiKey, prefixOf } from "../../src/core/auth/api-key";
import type { Query } from "./pg-query";

/**
 * A tenant id as keys and tokens carry it: the canonical 8-4-4-4-12 form. Postgres also accepts
 * `{...}`, no dashes or other groupings, from which a key's tenant part would not be 32 hex digits:
 * the key could never authenticate and its whole text, secret included, would become its "prefix".
 */
export const isTenantId = (value: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export function assertTenantId(value: string): void {
  if (!isTenantId(value)) {
    throw new Error(`not a tenant id (a UUID): ${JSON.stringify(value)}`);
  }
}

export async function createTenant(
  query: Query,
  name: string,
): Promise<{ tenant_id: string; api_key: string }> {
  const [tenant] = await query<{ id: string }>("INSERT INTO tenants (name) VALUES ($1) RETURNING id", [name]);
  if (!tenant) {
    throw new Error("tenant insert returned no row");
  }
  const { key } = await createApiKey(query, tenant.id);
  return { tenant_id: tenant.id, api_key: key };
}

export async function createApiKey(
  query: Query,
  tenantId: string,
): Promise<{ key: string; prefix: string; id: string }> {
  assertTenantId(tenantId);
  const apiKey = await generateApiKey(tenantId);
  const [row] = await query<{ id: string }>(
    "INSERT INTO api_keys (tenant_id, prefix, key_hash) VALUES ($1, $2, $3) RETURNING id",
    [tenantId, apiKey.prefix, apiKey.hash],
  );
  if (!row) {
    throw new Error("api key insert returned no row");
  }
  return { key: apiKey.key, prefix: apiKey.prefix, id: row.id };
}

/** Revokes by full key (matched by hash) or by its visible prefix; an ambiguous prefix revokes nothing. */
export async function revokeApiKey(query: Query, keyOrPrefix: string): Promise<{ revoked: string[] }> {
  const claim = await parseApiKey(keyOrPrefix);
  const rows = claim
    ? await query<{ id: string; prefix: string }>(
        "SELECT id, prefix FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
        [claim.hash],
      )
    : await query<{ id: string; prefix: string }>(
        "SELECT id, prefix FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL",
        [prefixOf(keyOrPrefix)],
      );
  if (rows.length > 1) {
    throw new Error(`prefix ${keyOrPrefix} matches ${rows.length} keys; pass the whole key`);
  }
  if (rows.length > 0) {
    await query("UPDATE api_keys SET revoked_at = now() WHERE id = ANY($1::uuid[])", [rows.map((r) => r.id)]);
  }
  return { revoked: rows.map((r) => r.prefix) };
}
