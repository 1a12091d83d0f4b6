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

/**
 * The most a tenant's limit may be set to: every definition rides in the tenant's KV projection and
 * in each isolate's memory, and the benchmark measures matching up to 10,000 (the default).
 */
export const MAX_DEFINITION_LIMIT = 20_000;

/** `--definitions`: a whole number from 0 to MAX_DEFINITION_LIMIT. */
export const isDefinitionLimit = (value: string): boolean =>
  /^\d{1,6}$/.test(value) && Number(value) <= MAX_DEFINITION_LIMIT;

/**
 * The tenant's custom field definition limit. Read by the statements that create definitions (they
 * refuse past it with a 422), so it holds from the next request on; lowering it below the current
 * count deletes nothing, it only stops new definitions.
 */
export async function setDefinitionLimit(
  query: Query,
  tenantId: string,
  limit: number,
): Promise<{ tenant_id: string; definition_limit: number; definition_count: number }> {
  const [row] = await query<{ definition_count: number }>(
    "UPDATE tenants SET definition_limit = $2 WHERE id = $1 RETURNING definition_count",
    [tenantId, limit],
  );
  if (!row) {
    throw new Error(`no tenant ${tenantId}`);
  }
  return { tenant_id: tenantId, definition_limit: limit, definition_count: Number(row.definition_count) };
}
