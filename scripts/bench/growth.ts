// Growth rows: the same request at several sizes of one dimension (keys per request, items per bulk
// request, definitions per tenant, contacts per tenant), so a cost that grows faster than the work
// shows up as a ratio, and CPU and prompt size per request.
import type pg from "pg";
import { toFieldKey } from "../../src/core/fields/field-key";
import type { FakeLlm } from "../local/fake-llm";
import type { NeonProxy } from "../local/neon-proxy";
import type { Client, Sample } from "./client";
import { processCpuMs } from "./cpu";
import type { BenchRequest, FloorStatement } from "./scenarios";
import { TYPED_FIELDS } from "./scenarios";
import { type DefinitionSpec, type SeededTenant, seedPopulation, seedTenant } from "./seed";
import { median, percentile, sum } from "./stats";

export interface GrowthPoint {
  size: number;
  requests: number;
  medianMs: number;
  /** The floor Worker's median for the same work at this size, where the row has one. */
  floorMedianMs?: number;
  p95Ms: number;
  non2xx: number;
  dbTripsPerRequest: number;
  llmCallsPerRequest: number;
  kvReadsPerRequest: number;
}

export interface GrowthTarget {
  /** e.g. "5000 within 12x of 500" */
  text: string;
  ratio: number;
  limit: number;
  pass: boolean;
}

export interface GrowthRow {
  /** The `BENCH_ONLY` name that runs it. */
  only: string;
  label: string;
  /** What "size" counts. */
  unit: string;
  points: GrowthPoint[];
  /** median at the largest size / median at the smallest. */
  largestOverSmallest: number;
  /** largest size / smallest size: the ratio if cost grew linearly with the size. */
  linear: number;
  target?: GrowthTarget;
  /** Why the row was not measured, or why its numbers do not mean what the label says. */
  skipped?: string;
  /** The first response outside 2xx (warm-up included): any fails the bench, as in the scenarios. */
  firstError?: GrowthError;
}

export interface GrowthError {
  size: number;
  status: number;
  body: string;
}

export interface CpuPoint {
  keys: number;
  requests: number;
  wallMedianMs: number;
  /** CPU time of the whole workerd process per request (kernel schedstat; exact, but all of workerd). */
  workerdMs: number;
  /** The same for the floor Worker's one statement on the same body. */
  floorWorkerdMs: number;
  /** workerdMs - floorWorkerdMs: what our Worker costs above a minimal one. */
  beyondFloorMs: number;
  non2xx: number;
}

export interface CpuResult {
  method: string;
  points: CpuPoint[];
  skipped?: string;
}

export interface PromptPoint {
  definitions: number;
  calls: number;
  medianChars: number;
  medianTokens: number;
  /** Definitions listed in the prompt (median over calls). */
  offered: number;
  non2xx: number;
}

export interface PromptResult {
  method: string;
  points: PromptPoint[];
  skipped?: string;
}

export interface GrowthContext {
  db: pg.Client;
  api: Client;
  /** The service again, run with `ISOLATE_CACHE_TTL_MS=0`. */
  cold: Client;
  floor: Client;
  proxy: NeonProxy;
  llm: FakeLlm;
  /** The fake LLM's plan: canonical unknown key -> definition key. */
  llmPlan: Map<string, string>;
  requests: number;
  warmup: number;
  dbDelayMs: number;
  llmLatencyMs: number;
  progress(message: string): void;
}

/** Name of the per-isolate cache switch the cold rows set (the service must honour it). */
export const COLD_CACHE_VAR = "ISOLATE_CACHE_TTL_MS";

const ok = (s: Sample) => s.status >= 200 && s.status <= 299;

async function measurePoint(
  ctx: GrowthContext,
  http: Client,
  apiKey: string,
  size: number,
  request: (index: number) => BenchRequest,
  errors: GrowthError[],
): Promise<GrowthPoint> {
  const record = (sample: Sample) => {
    if (!ok(sample) && errors.length === 0) {
      errors.push({ size, status: sample.status, body: sample.body.slice(0, 2000) });
    }
  };
  for (let i = 0; i < ctx.warmup; i++) {
    record(await http.send(request(i), apiKey));
  }
  const trips = ctx.proxy.stats().roundTrips;
  const calls = ctx.llm.calls().length;
  const samples: Sample[] = [];
  for (let i = ctx.warmup; i < ctx.warmup + ctx.requests; i++) {
    const sample = await http.send(request(i), apiKey);
    record(sample);
    samples.push(sample);
  }
  const ms = samples.map((s) => s.ms);
  return {
    size,
    requests: samples.length,
    medianMs: median(ms),
    p95Ms: percentile(ms, 95),
    non2xx: samples.filter((s) => !ok(s)).length,
    dbTripsPerRequest: (ctx.proxy.stats().roundTrips - trips) / samples.length,
    llmCallsPerRequest: (ctx.llm.calls().length - calls) / samples.length,
    kvReadsPerRequest: sum(samples.map((s) => s.timing.kvReads ?? Number.NaN)) / samples.length,
  };
}

function row(
  only: string,
  label: string,
  unit: string,
  points: GrowthPoint[],
  errors: GrowthError[],
  target?: { text: string; large: number; small: number; limit: number },
): GrowthRow {
  const first = points[0];
  const last = points.at(-1);
  const at = (size: number) => points.find((p) => p.size === size)?.medianMs ?? Number.NaN;
  const ratio = target ? at(target.large) / at(target.small) : Number.NaN;
  return {
    only,
    label,
    unit,
    points,
    largestOverSmallest: first && last ? last.medianMs / first.medianMs : Number.NaN,
    linear: first && last ? last.size / first.size : Number.NaN,
    ...(target
      ? { target: { text: target.text, ratio, limit: target.limit, pass: ratio <= target.limit } }
      : {}),
    ...(errors[0] ? { firstError: errors[0] } : {}),
  };
}

const skippedRow = (only: string, label: string, unit: string, skipped: string): GrowthRow => ({
  only,
  label,
  unit,
  points: [],
  largestOverSmallest: Number.NaN,
  linear: Number.NaN,
  skipped,
});

const update = (contactId: string, body: Record<string, string>): BenchRequest => ({
  method: "POST",
  path: `/api/public/contact/${contactId}/update-metadata`,
  body,
});

const numbered = (prefix: string, count: number, width: number): DefinitionSpec[] =>
  Array.from({ length: count }, (_, n) => ({ key: `${prefix}_${String(n).padStart(width, "0")}` }));

/** `size` known keys, each with a value new to request `index`. */
function knownKeysBody(definitions: readonly { key: string }[], size: number, index: number) {
  const body: Record<string, string> = {};
  for (const { key } of definitions.slice(0, size)) {
    body[key] = `value of ${key} in request ${index}`;
  }
  return body;
}

export const KEY_SIZES = [10, 100, 500, 1000, 5000, 10000] as const;

/** A tenant with definitions for the largest key size, shared by the key and CPU rows. */
export async function seedKeysTenant(ctx: GrowthContext): Promise<SeededTenant> {
  const tenant = await seedTenant(ctx.db, {
    name: "Bench keys",
    definitions: numbered("key", Math.max(...KEY_SIZES), 4),
    contacts: KEY_SIZES.length + 2,
  });
  return tenant;
}

export async function keysPerRequest(ctx: GrowthContext, tenant: SeededTenant): Promise<GrowthRow> {
  const errors: GrowthError[] = [];
  const points: GrowthPoint[] = [];
  for (const [n, size] of KEY_SIZES.entries()) {
    ctx.progress(`growth: ${size} known keys per request`);
    const contact = tenant.contacts[n] ?? "";
    points.push(
      await measurePoint(
        ctx,
        ctx.api,
        tenant.apiKey,
        size,
        (i) => update(contact, knownKeysBody(tenant.definitions, size, i)),
        errors,
      ),
    );
  }
  return row("keys", "known keys per update-metadata request", "keys", points, errors, {
    text: "5000 keys within 12x of 500",
    large: 5000,
    small: 500,
    limit: 12,
  });
}

export const BULK_SIZES = [1, 10, 100] as const;

export async function bulkItems(ctx: GrowthContext): Promise<GrowthRow> {
  const largest = Math.max(...BULK_SIZES);
  const tenant = await seedTenant(ctx.db, {
    name: "Bench bulk items",
    definitions: [
      { key: "bulk_text_0" },
      { key: "bulk_text_1" },
      ...Object.entries(TYPED_FIELDS).map(([key, spec]) => ({ key, label: spec.label, type: spec.type })),
    ],
    contacts: largest,
  });
  // Five known keys per item, three of them typed (formatted), as in the bulk scenario minus its
  // unknown keys: no LLM call, so the row shows our own cost per item.
  const items = (size: number, index: number) =>
    tenant.contacts.slice(0, size).map((aiContactId, item) => ({
      aiContactId,
      metadata: {
        bulk_text_0: `bulk text 0 of item ${item} of request ${index}`,
        bulk_text_1: `bulk text 1 of item ${item} of request ${index}`,
        lead_score: String((index * largest + item) % 1000),
        work_email: `bulk+${index}.${item}@Example.com`,
        signup_date: `2024-04-${String(1 + ((index + item) % 28)).padStart(2, "0")}`,
      },
    }));
  const errors: GrowthError[] = [];
  const points: GrowthPoint[] = [];
  for (const size of BULK_SIZES) {
    ctx.progress(`growth: ${size} items per bulk request`);
    points.push(
      await measurePoint(
        ctx,
        ctx.api,
        tenant.apiKey,
        size,
        (i) => ({
          method: "POST",
          path: "/api/public/contacts/update-metadata",
          body: { items: items(size, i) },
        }),
        errors,
      ),
    );
  }
  return row("bulk-items", "items per bulk request (5 known keys each)", "items", points, errors);
}

export const DEFINITION_SIZES = [10, 1000, 10_000] as const;

/**
 * An exact one-key request on tenants of 10, 1,000 and 10,000 definitions, served by a warm isolate
 * and by the service's copy run with `ISOLATE_CACHE_TTL_MS=0`, whose every request must read and
 * parse the tenant's KV projection (a cold cache; the code itself stays JIT-warm).
 */
export async function definitionsPerTenant(ctx: GrowthContext): Promise<GrowthRow[]> {
  const warmLabel = "definitions per tenant, exact one-key request, warm isolate";
  const coldLabel = `definitions per tenant, exact one-key request, cold cache (${COLD_CACHE_VAR}=0)`;
  const tenants: SeededTenant[] = [];
  for (const size of DEFINITION_SIZES) {
    ctx.progress(`growth: seeding a tenant with ${size} definitions`);
    const tenant = await seedTenant(ctx.db, {
      name: `Bench ${size} definitions`,
      definitions: numbered("def", size, 5),
      contacts: 1,
    });
    tenants.push(tenant);
  }
  const request = (tenant: SeededTenant) => (i: number) =>
    update(tenant.contacts[0] ?? "", { def_00000: `one key, request ${i}` });
  const measure = async (http: Client, cache: "warm" | "cold", label: string) => {
    const errors: GrowthError[] = [];
    const points: GrowthPoint[] = [];
    for (const [n, size] of DEFINITION_SIZES.entries()) {
      const tenant = tenants[n];
      if (tenant) {
        ctx.progress(`growth: ${cache}, ${size} definitions`);
        points.push(await measurePoint(ctx, http, tenant.apiKey, size, request(tenant), errors));
      }
    }
    return row(
      "definitions",
      label,
      "definitions",
      points,
      errors,
      cache === "warm"
        ? { text: "warm at 10,000 within 1.2x of warm at 10", large: 10_000, small: 10, limit: 1.2 }
        : undefined,
    );
  };
  const warm = await measure(ctx.api, "warm", warmLabel);
  const cold = await measure(ctx.cold, "cold", coldLabel);
  if (cold.points.some((p) => !(p.kvReadsPerRequest >= 1))) {
    cold.skipped = `not cold: the service ignores ${COLD_CACHE_VAR}=0 (< 1 KV read per request)`;
  }
  return [warm, cold];
}

export const CONTACT_SIZES = [1000, 100_000] as const;
const POPULATION_FIELDS = 20;
/** The target for search: eq on one field over 100,000 contacts within 3x the floor. */
const SEARCH_FLOOR_LIMIT = 3;

/**
 * The minimal hand-written search: the matches of `plan` = value from the same value index (in
 * contact id order), the page's contacts and each one's metadata, one statement.
 */
const searchFloor = (tenantId: string, value: string): FloorStatement => ({
  text: `SELECT c.id, c.name, c.email, c.phone,
      (SELECT jsonb_object_agg(v.key, v.value) FROM contact_field_values v WHERE v.contact_id = c.id) AS metadata
    FROM contact_field_values f JOIN contacts c ON c.id = f.contact_id
    WHERE f.tenant_id = $1 AND f.key = 'plan' AND left(f.value, 200) COLLATE "C" = $2
    ORDER BY f.contact_id LIMIT 50`,
  params: [tenantId, value],
});

/** The minimal upsert by email: the contact found by its email's unique index, one value written. */
const upsertByEmailFloor = (
  tenantId: string,
  email: string,
  body: Record<string, string>,
): FloorStatement => ({
  text: `INSERT INTO contact_field_values AS v
      (tenant_id, contact_id, custom_field_definition_id, key, value, source_key, matched_by)
    SELECT $1, c.id, n.definition_id, e.key, e.value, e.key, 'exact'
    FROM contacts c
    CROSS JOIN jsonb_each_text($3::jsonb) AS e JOIN field_names n ON n.tenant_id = $1 AND n.name = e.key
    WHERE c.tenant_id = $1 AND contact_email_key(c.email) = contact_email_key($2) AND NOT c.email_duplicate
    ON CONFLICT (contact_id, key) DO UPDATE SET value = excluded.value, updated_at = now()`,
  params: [tenantId, email, JSON.stringify(body)],
});

/** The floor Worker's median for `statement(i)`, measured like the requests (warm-up, then n). */
async function floorMedian(
  ctx: GrowthContext,
  statement: (index: number) => FloorStatement,
): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < ctx.warmup + ctx.requests; i++) {
    const sample = await ctx.floor.send({ method: "POST", path: "/", body: { ...statement(i) } });
    if (!ok(sample)) {
      throw new Error(`the floor Worker answered ${sample.status}: ${sample.body.slice(0, 1000)}`);
    }
    if (i >= ctx.warmup) {
      ms.push(sample.ms);
    }
  }
  return median(ms);
}

/** A row with each size's floor; its target, where it has one, is the largest size's median over its floor. */
function floorRow(label: string, points: GrowthPoint[], errors: GrowthError[], limit?: number): GrowthRow {
  const result = row("contacts", label, "contacts", points, errors);
  const last = points.at(-1);
  if (limit !== undefined && last?.floorMedianMs !== undefined) {
    const ratio = last.medianMs / last.floorMedianMs;
    result.target = {
      text: `${last.size.toLocaleString("en-US")} within ${limit}x the floor`,
      ratio,
      limit,
      pass: ratio <= limit,
    };
  }
  return result;
}

/**
 * Read routes over tenants of 1,000 and 100,000 contacts with 20 fields each: `info` of one contact;
 * `search` (POST /api/public/contacts/search) for `plan` = "Pro" (10 matches at every size: the
 * issue's target, within 3x the floor at 100,000) and = "Free" (half the tenant: a full page), each
 * against the minimal hand-written statement on the same indexes; and an upsert by email of an
 * existing contact. A service without the search route (404) skips those rows and says so.
 */
export async function contactsPerTenant(ctx: GrowthContext): Promise<GrowthRow[]> {
  const definitions: DefinitionSpec[] = [
    { key: "plan", label: "Plan", type: "select", options: ["Free", "Team", "Pro"] },
    ...Array.from({ length: POPULATION_FIELDS - 1 }, (_, n) => ({
      key: `attr_${String(n + 1).padStart(2, "0")}`,
      label: `Attribute ${n + 1}`,
    })),
  ];
  const populations: { tenant: SeededTenant; sample: string; size: number }[] = [];
  for (const size of CONTACT_SIZES) {
    ctx.progress(`growth: seeding ${size} contacts x ${POPULATION_FIELDS} fields`);
    const started = performance.now();
    const tenant = await seedTenant(ctx.db, { name: `Bench ${size} contacts`, definitions, contacts: 0 });
    const { sampleContact } = await seedPopulation(ctx.db, tenant.tenantId, size);
    populations.push({ tenant, sample: sampleContact, size });
    ctx.progress(`growth: seeded ${size} contacts in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const infoErrors: GrowthError[] = [];
  const info: GrowthPoint[] = [];
  for (const { tenant, sample, size } of populations) {
    ctx.progress(`growth: info, ${size} contacts`);
    info.push(
      await measurePoint(
        ctx,
        ctx.api,
        tenant.apiKey,
        size,
        () => ({ method: "GET", path: `/api/public/contact/${sample}/info` }),
        infoErrors,
      ),
    );
  }
  const rows = [
    row("contacts", "contacts per tenant: info of one contact (20 fields)", "contacts", info, infoErrors),
  ];

  const search = (value: string) => (): BenchRequest => ({
    method: "POST",
    path: "/api/public/contacts/search",
    body: { filters: [{ key: "plan", op: "eq", value }], limit: 50 },
  });
  const first = populations[0];
  const probe = first ? await ctx.api.send(search("Pro")(), first.tenant.apiKey) : undefined;
  if (probe === undefined || probe.status === 404) {
    rows.push(
      skippedRow(
        "contacts",
        'contacts per tenant: search plan = "Pro" (10 matches)',
        "contacts",
        "skipped: POST /api/public/contacts/search answers 404 (no route yet)",
      ),
    );
    return rows;
  }
  // Pro: 10 matches at every size (the target); Free: half the tenant, a full page.
  for (const [value, matches] of [
    ["Pro", "10 matches"],
    ["Free", "half the contacts"],
  ] as const) {
    const errors: GrowthError[] = [];
    const points: GrowthPoint[] = [];
    for (const { tenant, size } of populations) {
      ctx.progress(`growth: search plan = ${value}, ${size} contacts`);
      const point = await measurePoint(ctx, ctx.api, tenant.apiKey, size, search(value), errors);
      point.floorMedianMs = await floorMedian(ctx, () => searchFloor(tenant.tenantId, value));
      points.push(point);
    }
    rows.push(
      floorRow(
        `contacts per tenant: search plan = "${value}" (${matches})`,
        points,
        errors,
        SEARCH_FLOOR_LIMIT,
      ),
    );
  }

  // Upsert of a contact found by its email (`contact<n>@example.com`, seeded), one known field.
  const upsertErrors: GrowthError[] = [];
  const upserts: GrowthPoint[] = [];
  const emailOf = (size: number, index: number) => `contact${1 + ((index * 7919) % size)}@example.com`;
  for (const { tenant, size } of populations) {
    ctx.progress(`growth: upsert by email, ${size} contacts`);
    const body = (index: number) => ({ attr_01: `upserted in request ${index}` });
    const point = await measurePoint(
      ctx,
      ctx.api,
      tenant.apiKey,
      size,
      (i) => ({
        method: "POST",
        path: "/api/public/contacts/upsert",
        body: { email: emailOf(size, i).toUpperCase(), metadata: body(i) },
      }),
      upsertErrors,
    );
    point.floorMedianMs = await floorMedian(ctx, (i) =>
      upsertByEmailFloor(tenant.tenantId, emailOf(size, i + 1), body(i)),
    );
    upserts.push(point);
  }
  rows.push(floorRow("contacts per tenant: upsert by email (found, 1 field)", upserts, upsertErrors));
  return rows;
}

/**
 * CPU per exact request of 10 and 1,000 known keys: workerd's CPU time (kernel) over the requests,
 * then over the floor Worker's statement on the same bodies. The proxy's injected delay is off
 * meanwhile: CPU does not depend on it and the passes run faster.
 */
export async function cpuPerRequest(
  ctx: GrowthContext,
  tenant: SeededTenant,
  workerdPid: number | undefined,
  floorStatement: (contactId: string, body: Record<string, string>) => FloorStatement,
  requestsFor: (keys: number) => number,
): Promise<CpuResult> {
  const method =
    "CPU time of all of workerd's threads (kernel schedstat, exact) over the requests / n, sequential, after 3 warm-up: it includes miniflare's entry worker and simulators (rate limiter, KV) besides our Worker; floor = the same for the floor Worker sending the minimal statement for the same body; beyond = the difference, what our Worker costs above a minimal one";
  if (workerdPid === undefined) {
    return {
      method,
      points: [],
      skipped: "skipped: workerd's process not found (needs Linux /proc and wrangler's debug log)",
    };
  }
  const contact = tenant.contacts[KEY_SIZES.length] ?? "";
  const floorContact = tenant.contacts[KEY_SIZES.length + 1] ?? "";
  const points: CpuPoint[] = [];
  ctx.proxy.setDelay(0);
  try {
    for (const keys of [10, 1000]) {
      ctx.progress(`cpu: exact request of ${keys} keys`);
      const n = requestsFor(keys);
      let index = 0;
      const body = () => knownKeysBody(tenant.definitions, keys, index++);
      for (let i = 0; i < 3; i++) {
        await ctx.api.send(update(contact, body()), tenant.apiKey);
        await ctx.floor.send({
          method: "POST",
          path: "/",
          body: { ...floorStatement(floorContact, body()) },
        });
      }
      const wall: number[] = [];
      let non2xx = 0;
      const before = await processCpuMs(workerdPid);
      for (let i = 0; i < n; i++) {
        const sample = await ctx.api.send(update(contact, body()), tenant.apiKey);
        non2xx += ok(sample) ? 0 : 1;
        wall.push(sample.ms);
      }
      const workerdMs = ((await processCpuMs(workerdPid)) - before) / n;
      const floorBefore = await processCpuMs(workerdPid);
      for (let i = 0; i < n; i++) {
        const sample = await ctx.floor.send({
          method: "POST",
          path: "/",
          body: { ...floorStatement(floorContact, body()) },
        });
        non2xx += ok(sample) ? 0 : 1;
      }
      const floorWorkerdMs = ((await processCpuMs(workerdPid)) - floorBefore) / n;
      points.push({
        keys,
        requests: n,
        wallMedianMs: median(wall),
        workerdMs,
        floorWorkerdMs,
        beyondFloorMs: workerdMs - floorWorkerdMs,
        non2xx,
      });
    }
  } finally {
    ctx.proxy.setDelay(ctx.dbDelayMs);
  }
  return { method, points };
}

/**
 * The LLM prompt per call for a request with three unknown keys, on tenants of 10 and 2,000
 * definitions, as the fake LLM receives it. Each unknown key is planned onto an early definition
 * that shares its words, so it is offered whatever the ranking and the request stores its values.
 */
export async function promptSize(ctx: GrowthContext): Promise<PromptResult> {
  const method =
    "chars = all message contents of one chat completion call as the fake LLM received it; tokens = chars / 4";
  const points: PromptPoint[] = [];
  ctx.llm.setLatency(0);
  try {
    for (const size of [10, 2000]) {
      ctx.progress(`prompt: tenant with ${size} definitions`);
      const tenant = await seedTenant(ctx.db, {
        name: `Bench prompt ${size}`,
        definitions: Array.from({ length: size }, (_, n) => ({
          key: `pfield_${n}`,
          label: `Prompt field ${n}`,
        })),
        contacts: 1,
      });
      const before = ctx.llm.calls().length;
      let non2xx = 0;
      for (let i = 0; i < 3; i++) {
        const body: Record<string, string> = {};
        for (let j = 0; j < 3; j++) {
          const key = `pfield_${j}_alias_r${i}`;
          body[key] = `value ${j} of prompt request ${i}`;
          ctx.llmPlan.set(toFieldKey(key), `pfield_${j}`);
        }
        const sample = await ctx.api.send(update(tenant.contacts[0] ?? "", body), tenant.apiKey);
        non2xx += ok(sample) ? 0 : 1;
      }
      const calls = ctx.llm.calls().slice(before);
      const chars = calls.map((call) => promptChars(call.body));
      points.push({
        definitions: size,
        calls: calls.length,
        medianChars: median(chars),
        medianTokens: median(chars) / 4,
        offered: median(calls.map((call) => offeredDefinitions(call.body))),
        non2xx,
      });
    }
  } finally {
    ctx.llm.setLatency(ctx.llmLatencyMs);
  }
  return { method, points };
}

function messagesOf(body: unknown): { role?: unknown; content?: unknown }[] {
  if (typeof body !== "object" || body === null || !("messages" in body) || !Array.isArray(body.messages)) {
    return [];
  }
  return body.messages.filter(
    (m: unknown): m is { role?: unknown; content?: unknown } => typeof m === "object" && m !== null,
  );
}

function promptChars(body: unknown): number {
  return sum(messagesOf(body).map((m) => (typeof m.content === "string" ? m.content.length : 0)));
}

function offeredDefinitions(body: unknown): number {
  const user = messagesOf(body).find((m) => m.role === "user");
  try {
    const parsed: unknown = JSON.parse(typeof user?.content === "string" ? user.content : "");
    return typeof parsed === "object" &&
      parsed !== null &&
      "definitions" in parsed &&
      Array.isArray(parsed.definitions)
      ? parsed.definitions.length
      : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
