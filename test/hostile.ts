// Helpers for the hostile-world tests (issue 12): ledger seeding in bulk, calling the Worker with an
// env of its own (fresh isolate caches), and reading the isolate's cache sizes.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { definitionIdFor } from "../src/core/fields/definition-id";
import worker from "../src/index";
import { query } from "./harness";

/** `keys` text definitions in the ledger at once (ids derived as the service derives them). */
export async function seedDefinitions(tenantId: string, keys: readonly string[]): Promise<string[]> {
  const rows = keys.map((key) => ({ id: definitionIdFor(tenantId, key), key }));
  await query(
    `WITH d AS (
       INSERT INTO field_definitions (id, tenant_id, key, label, type)
       SELECT (r->>'id')::uuid, $1, r->>'key', r->>'key', 'text' FROM jsonb_array_elements($2::jsonb) r
       RETURNING id, key
     ), n AS (
       INSERT INTO field_names (tenant_id, name, definition_id, definition_key, kind, source)
       SELECT $1, key, id, key, 'key', 'admin' FROM d RETURNING 1
     )
     UPDATE tenants SET definition_count = definition_count + (SELECT count(*) FROM d),
       definitions_version = definitions_version + 1 WHERE id = $1`,
    [tenantId, JSON.stringify(rows)],
  );
  return rows.map((r) => r.id);
}

/** A copy of the test env: the Worker keeps its isolate caches per env object, so this one starts cold. */
export const freshEnv = (overrides: Partial<typeof env> = {}): typeof env => ({ ...env, ...overrides });

/** Calls the Worker with `testEnv`, waiting for its deferred work (projection writes) to finish. */
export async function callWith(testEnv: typeof env, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`http://api.test${path}`, init), testEnv, ctx);
  const body = await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, { status: res.status, headers: res.headers });
}
