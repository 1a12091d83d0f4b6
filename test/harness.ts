// Helpers for tests running in workerd: each test seeds its own tenant, so tests never share rows.

import { env, exports } from "cloudflare:workers";
import { neon, neonConfig } from "@neondatabase/serverless";
import { expect, inject } from "vitest";
import { answerProblems, operationOf } from "../scripts/lib/documented-answers";
import type { Query } from "../scripts/lib/pg-query";
import { createApiKey, createTenant } from "../scripts/lib/tenants";

neonConfig.fetchEndpoint = inject("neonSqlEndpoint");
const sql = neon("postgresql://postgres:postgres@db.localtest.me:5432/app");

/** Runs SQL against the test database through the same proxy the Worker uses. */
export const query: Query = async <T>(text: string, params: unknown[] = []) =>
  (await sql.query(text, params)) as T[];

export interface TenantFixture {
  tenantId: string;
  apiKey: string;
  contactId: string;
}

export async function seedTenant(name = "test tenant"): Promise<TenantFixture> {
  const { tenant_id, api_key } = await createTenant(query, name);
  const contactId = await seedContact(tenant_id);
  return { tenantId: tenant_id, apiKey: api_key, contactId };
}

export async function seedContact(tenantId: string, name = "Ada"): Promise<string> {
  const [row] = await query<{ id: string }>(
    "INSERT INTO contacts (tenant_id, name) VALUES ($1, $2) RETURNING id",
    [tenantId, name],
  );
  if (!row) {
    throw new Error("contact insert returned no row");
  }
  return row.id;
}

export const newApiKey = async (tenantId: string) => (await createApiKey(query, tenantId)).key;

/**
 * What every test request gets checked for, whatever the test asserts: an answer from a documented
 * operation has a status that operation declares, and its JSON body validates against the schema
 * the generated OpenAPI document gives that status, errors included (`answerProblems`). So the
 * document cannot drift from the server: a test that sees a drift fails, whatever it was testing.
 */
async function expectDocumented(method: string, path: string, res: Response): Promise<void> {
  const operation = operationOf(method, path);
  if (!operation) {
    return; // Not an operation (the docs, an unknown path, a method the path does not answer).
  }
  const json = res.headers.get("content-type")?.startsWith("application/json");
  const body: unknown = json ? await res.clone().json() : undefined;
  expect(answerProblems(operation, res.status, body)).toEqual([]);
}

export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await exports.default.fetch(new Request(`http://api.test${path}`, init));
  await expectDocumented((init.method ?? "GET").toUpperCase(), path, res);
  return res;
}

export function postJson(path: string, apiKey: string | undefined, body: unknown): Promise<Response> {
  return call(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(apiKey ? { "x-api-key": apiKey } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const updateMetadata = (t: TenantFixture, body: unknown, contactId = t.contactId) =>
  postJson(`/api/public/contact/${contactId}/update-metadata`, t.apiKey, body);

export interface FieldRow {
  key: string;
  value: string;
  source_key: string;
  matched_by: string;
  custom_field_definition_id: string;
}

export const fieldRows = (contactId: string) =>
  query<FieldRow>(
    "SELECT key, value, source_key, matched_by, custom_field_definition_id FROM contact_field_values WHERE contact_id = $1 ORDER BY key",
    [contactId],
  );

export const fieldMap = async (contactId: string) =>
  Object.fromEntries((await fieldRows(contactId)).map((r) => [r.key, r.value]));

export interface ActivityRow {
  api_key_id: string | null;
  request_id: string;
  kind: string;
  changes: { key: string; source_key: string; old_value: string | null; new_value: string | null }[];
}

export const activityRows = (contactId: string) =>
  query<ActivityRow>(
    "SELECT api_key_id, request_id, kind, changes FROM contact_activities WHERE contact_id = $1 ORDER BY created_at, id",
    [contactId],
  );

export type FakeLlmResponse =
  | { kind: "content"; content: string; usage?: { prompt_tokens: number; completion_tokens: number } }
  | { kind: "status"; status: number; body?: string }
  | { kind: "hang" }
  | { kind: "garbage"; body: string };

/** Queues the fake LLM's answers for calls whose request contains `token` (put it in a definition). */
export async function scriptLlm(token: string, responses: FakeLlmResponse[]): Promise<void> {
  const res = await fetch(`${inject("llmUrl")}/__control/script`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, responses }),
  });
  if (!res.ok) {
    throw new Error(`scripting the fake LLM failed: ${res.status}`);
  }
}

export interface LlmCall {
  body: { model: string; messages: { role: string; content: string }[] };
}

export async function llmCalls(token: string): Promise<LlmCall[]> {
  const res = await fetch(`${inject("llmUrl")}/__control/calls?token=${encodeURIComponent(token)}`);
  return (await res.json<{ calls: LlmCall[] }>()).calls;
}

export const answer = (value: unknown): FakeLlmResponse => ({
  kind: "content",
  content: JSON.stringify(value),
});

export function putField(t: TenantFixture, key: string, body: unknown): Promise<Response> {
  return call(`/api/public/custom-fields/${encodeURIComponent(key)}`, {
    method: "PUT",
    headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The same key with its last character changed: well-formed, right tenant, wrong secret. */
export const tamperedKey = (key: string): string => `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;

export interface LedgerDefinition {
  id: string;
  key: string;
  label: string;
  type: string;
  aliases: string[];
}

/** The tenant's live definitions as the Postgres ledger holds them, ordered by key. */
export const ledger = (tenantId: string) =>
  query<LedgerDefinition>(
    `SELECT d.id, d.key, d.label, d.type,
       COALESCE(array_agg(n.name ORDER BY n.name) FILTER (WHERE n.kind = 'alias'), '{}') AS aliases
     FROM field_definitions d LEFT JOIN field_names n ON n.definition_id = d.id
     WHERE d.tenant_id = $1 AND d.deleted_at IS NULL GROUP BY d.id ORDER BY d.key`,
    [tenantId],
  );

/** Definition key -> its aliases, from the ledger. */
export const aliasesOf = async (t: { tenantId: string }) =>
  Object.fromEntries((await ledger(t.tenantId)).map((d) => [d.key, d.aliases]));

export interface Projection {
  version: number;
  definitions: { id: string; key: string; type: string; aliases: string[] }[];
}

/** The tenant's KV projection as the edge reads it (written after the response: poll for it). */
export const projectionOf = (tenantId: string) =>
  env.FIELDS_KV.get<Projection>(`definitions:v2:${tenantId}`, "json");

/** The ledger's version of the tenant's definitions. */
export const ledgerVersion = async (tenantId: string) =>
  Number(
    (await query<{ v: string }>("SELECT definitions_version AS v FROM tenants WHERE id = $1", [tenantId]))[0]
      ?.v,
  );
