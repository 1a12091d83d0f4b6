import { randomBytes } from "node:crypto";
import { toFieldKey } from "../../src/core/fields/field-key";
import type { Query } from "../lib/pg-query";
import { createTenant } from "../lib/tenants";

export interface LoadTenant {
  tenantId: string;
  apiKey: string;
  contactIds: string[];
}

/** What request number `n` sends, and so what the database must hold if it was acknowledged. */
export interface PlannedRequest {
  n: number;
  requestId: string;
  apiKey: string;
  tenantId: string;
  contactId: string;
  /** The key as sent; `storedKey` is its canonical form, the one the row must carry. */
  sourceKey: string;
  storedKey: string;
  value: string;
}

/** Lower-case letters and digits only: the key stays one word, unchanged by snake_case. */
export function newRunId(): string {
  return randomBytes(5).toString("hex");
}

/**
 * One word per key, never `load_<run>_<n>`: the local fake LLM maps a new key onto any existing
 * definition it shares a word with, so keys sharing `load` would all land in the first one's field.
 */
export function keyPrefix(runId: string): string {
  return `load${runId}n`;
}

export function planRequest(runId: string, tenants: LoadTenant[], n: number): PlannedRequest {
  // Round-robin over tenants first, then over each tenant's contacts, so every API key and every
  // contact is hit evenly and concurrent requests land on different contacts and tenants.
  const tenant = tenants[n % tenants.length];
  if (!tenant) {
    throw new Error("no tenants seeded");
  }
  const contactId = tenant.contactIds[Math.floor(n / tenants.length) % tenant.contactIds.length];
  if (!contactId) {
    throw new Error(`tenant ${tenant.tenantId} has no contacts`);
  }
  const sourceKey = `${keyPrefix(runId)}${n}`;
  return {
    n,
    requestId: `load-${runId}-${n}`,
    apiKey: tenant.apiKey,
    tenantId: tenant.tenantId,
    contactId,
    sourceKey,
    storedKey: toFieldKey(sourceKey),
    value: `v${n}`,
  };
}

export function requestNumberOf(runId: string, requestId: string | undefined): number | undefined {
  const match = requestId?.match(/^load-([0-9a-f]+)-(\d+)$/);
  return match && match[1] === runId ? Number(match[2]) : undefined;
}

export async function seedTenants(
  query: Query,
  runId: string,
  tenantCount: number,
  contactsPerTenant: number,
): Promise<LoadTenant[]> {
  const tenants: LoadTenant[] = [];
  for (let t = 0; t < tenantCount; t++) {
    const { tenant_id, api_key } = await createTenant(query, `load ${runId} #${t}`);
    const contacts = await query<{ id: string }>(
      "INSERT INTO contacts (tenant_id, name) SELECT $1, $2 || g FROM generate_series(1, $3::int) g RETURNING id",
      [tenant_id, `load ${runId} contact #`, contactsPerTenant],
    );
    tenants.push({ tenantId: tenant_id, apiKey: api_key, contactIds: contacts.map((c) => c.id) });
  }
  return tenants;
}

/** Contacts, values, activities and keys go with their tenant (ON DELETE CASCADE). */
export async function deleteTenants(query: Query, tenants: LoadTenant[]): Promise<void> {
  const ids = tenants.map((t) => t.tenantId);
  await query("DELETE FROM tenants WHERE id = ANY($1::uuid[])", [ids]);
  // Usage rows have no foreign key to cascade through (see src/db/schema.ts).
  await query("DELETE FROM usage_events WHERE tenant_id = ANY($1::uuid[])", [ids]);
  await query("DELETE FROM llm_spend_shards WHERE tenant_id = ANY($1::uuid[])", [ids]);
}
