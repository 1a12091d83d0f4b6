// The cost model of docs/contract.md ("Cost"), pinned as exact counts: database round trips are
// counted at the local Neon proxy, LLM calls at the fake LLM, KV operations from Server-Timing.
// This file runs in its own vitest project, so its proxy and fake LLM see no other test's traffic.
import { describe, expect, inject, it, vi } from "vitest";
import { generateToken } from "../../src/core/auth/api-key";
import { definitionIdFor } from "../../src/core/fields/definition-id";
import {
  answer,
  call,
  ledgerVersion,
  postJson,
  projectionOf,
  putField,
  query,
  scriptLlm,
  seedContact,
  seedTenant,
  type TenantFixture,
  updateMetadata,
} from "../harness";
import { callWith, freshEnv } from "../hostile";

const roundTrips = async () =>
  (await (await fetch(`${inject("proxyUrl")}/stats`)).json<{ roundTrips: number }>()).roundTrips;
/** How many statements the proxy has received, and the text of the latest ones, oldest first. */
const statements = async () =>
  (await fetch(`${inject("proxyUrl")}/statements`)).json<{ count: number; statements: string[] }>();
const llmCallCount = async () =>
  (await (await fetch(`${inject("llmUrl")}/__control/calls`)).json<{ count: number }>()).count;

interface Cost {
  status: number;
  roundTrips: number;
  llmCalls: number;
  kv: string | undefined;
}

/** Runs one request and returns what it cost. */
async function measure(request: () => Promise<Response>): Promise<Cost> {
  const [rt0, llm0] = [await roundTrips(), await llmCallCount()];
  const res = await request();
  await res.arrayBuffer();
  return {
    status: res.status,
    roundTrips: (await roundTrips()) - rt0,
    llmCalls: (await llmCallCount()) - llm0,
    kv: res.headers.get("server-timing")?.match(/kv;desc="([^"]+)"/)?.[1],
  };
}

async function tenantWith100Fields(): Promise<TenantFixture & { token: string }> {
  const t = await seedTenant();
  const token = `tok_${crypto.randomUUID().replaceAll("-", "")}`;
  // field_1..99 go straight into the ledger (as a PUT with no body would make them: text, label =
  // key), then field_0 by a real PUT, whose change rewrites the KV projection from the ledger. 100
  // PUTs one after another were most of this file's time; an update creating them would have
  // asked the LLM (spending the budget and confirming the key that some tests need unconfirmed).
  const rows = Array.from({ length: 99 }, (_, i) => {
    const key = `field_${i + 1}`;
    return { id: definitionIdFor(t.tenantId, key), key };
  });
  await query(
    `WITH d AS (
       INSERT INTO field_definitions (id, tenant_id, key, label, type)
       SELECT r.id, $1, r.key, r.key, 'text' FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, key text)
       RETURNING id, key
     ), n AS (
       INSERT INTO field_names (tenant_id, name, definition_id, definition_key, kind, source)
       SELECT $1, key, id, key, 'key', 'admin' FROM d
     )
     UPDATE tenants SET definition_count = definition_count + 99, definitions_version = definitions_version + 1
     WHERE id = $1`,
    [t.tenantId, JSON.stringify(rows)],
  );
  expect((await putField(t, "field_0", { description: token })).status).toBe(201);
  await vi.waitFor(async () => expect((await projectionOf(t.tenantId))?.definitions).toHaveLength(100));
  return { ...t, token };
}

/** Maps every input of the prompt to field_0..field_N in turn, like a model that knows them all. */
const mapAll = (keys: string[]) =>
  answer({ mappings: keys.map((key, i) => ({ key, field: `field_${i}`, value: null })), extracted: [] });

describe("cost per request", () => {
  it("exact: 10 known keys cost 1 round trip, 0 LLM calls and, in a warm isolate, 0 KV reads", async () => {
    const t = await tenantWith100Fields();
    const body = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`field_${i}`, `v${i}`]));
    await updateMetadata(t, body); // warm the isolate
    expect(await measure(() => updateMetadata(t, body))).toEqual({
      status: 200,
      roundTrips: 1,
      llmCalls: 0,
      kv: "reads=0 writes=0",
    });
  });

  it("unknown: 5 new keys cost 1 LLM call and 1 round trip; remembered, they cost 0 calls", async () => {
    const t = await tenantWith100Fields();
    await updateMetadata(t, { field_0: "warm" }); // the key is now verified in this isolate
    const keys = ["alpha_one", "beta_two", "gamma_three", "delta_four", "epsilon_five"];
    await scriptLlm(t.token, [mapAll(keys)]);
    const body = Object.fromEntries(keys.map((k) => [k, "x"]));
    // The definitions come from the isolate's cache; the learned aliases travel in the one
    // statement, and the KV projection is rewritten (once) after the response from the
    // statement's own answer: no second read of the ledger.
    const before = await roundTrips();
    expect(await measure(() => updateMetadata(t, body))).toEqual({
      status: 200,
      roundTrips: 1,
      llmCalls: 1,
      kv: "reads=0 writes=1",
    });
    await vi.waitFor(async () => {
      expect((await projectionOf(t.tenantId))?.version).toBe(await ledgerVersion(t.tenantId));
    });
    // The projection refresh, counted separately: no round trip of its own (the ledger version
    // query above is this test's own).
    expect((await roundTrips()) - before).toBe(2);
    expect(await measure(() => updateMetadata(t, body))).toEqual({
      status: 200,
      roundTrips: 1,
      llmCalls: 0,
      kv: "reads=0 writes=0",
    });
  });

  it("unknown keys on a key's first request in an isolate add one verification round trip before the LLM", async () => {
    const t = await tenantWith100Fields();
    await scriptLlm(t.token, [mapAll(["first_seen"])]);
    expect(await measure(() => updateMetadata(t, { first_seen: "x" }))).toMatchObject({
      roundTrips: 2,
      llmCalls: 1,
    });
  });

  it("wide: 200 keys, half known, cost 1 LLM call and 1 round trip", async () => {
    const t = await tenantWith100Fields();
    await updateMetadata(t, { field_0: "warm" });
    const unknown = Array.from({ length: 100 }, (_, i) => `wide_unknown_${i}`);
    await scriptLlm(t.token, [mapAll(unknown.slice(0, 40))]);
    const body = Object.fromEntries([
      ...Array.from({ length: 100 }, (_, i) => [`field_${i}`, `v${i}`]),
      ...unknown.map((k) => [k, "x"]),
    ]);
    expect(await measure(() => updateMetadata(t, body))).toMatchObject({
      status: 200,
      roundTrips: 1,
      llmCalls: 1,
    });
  });

  it("a cold isolate reads the tenant's definitions from KV once (1 KV read), after one check of the key (2 round trips)", async () => {
    const t = await tenantWith100Fields();
    await vi.waitFor(async () => expect((await projectionOf(t.tenantId))?.definitions).toHaveLength(100));
    // An env of its own: an isolate that has seen neither this tenant nor its key.
    const cold = freshEnv();
    const send = (value: string) => () =>
      callWith(cold, `/api/public/contact/${t.contactId}/update-metadata`, {
        method: "POST",
        headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ field_1: value }),
      });
    // The key is checked first (no tenant-sized work for an unconfirmed caller), then the
    // definitions are read from KV once, then the statement.
    expect(await measure(send("x"))).toEqual({
      status: 200,
      roundTrips: 2,
      llmCalls: 0,
      kv: "reads=1 writes=0",
    });
    // Warm: no check, no read.
    expect(await measure(send("y"))).toEqual({
      status: 200,
      roundTrips: 1,
      llmCalls: 0,
      kv: "reads=0 writes=0",
    });
  });

  it("a tenant without a KV projection reads the ledger once and projects it after the response", async () => {
    const t = await seedTenant();
    const first = await measure(() => updateMetadata(t, { first_key: "x" }));
    // The key check, the ledger read (KV had nothing) and the statement; one projection write.
    expect(first).toEqual({ status: 200, roundTrips: 3, llmCalls: 0, kv: "reads=1 writes=1" });
    await vi.waitFor(async () => {
      expect((await projectionOf(t.tenantId))?.definitions.map((d) => d.key)).toEqual(["first_key"]);
    });
  });

  it("bulk: 100 contacts with shared unknown keys cost 1 round trip and 1 LLM call", async () => {
    const t = await tenantWith100Fields();
    await updateMetadata(t, { field_0: "warm" });
    const contacts = await Promise.all(Array.from({ length: 100 }, () => seedContact(t.tenantId)));
    await scriptLlm(t.token, [mapAll(["bulk_alpha", "bulk_beta"])]);
    const body = {
      items: contacts.map((id, i) => ({
        aiContactId: id,
        metadata: { field_1: `v${i}`, field_2: "x", bulk_alpha: `a${i}`, bulk_beta: `b${i}` },
      })),
    };
    const cost = await measure(() =>
      call("/api/public/contacts/update-metadata", {
        method: "POST",
        headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
    expect(cost).toEqual({ status: 200, roundTrips: 1, llmCalls: 1, kv: "reads=0 writes=1" });
  });

  it("info: a contact with 200 fields costs 1 round trip", async () => {
    const t = await tenantWith100Fields();
    const contactId = await seedContact(t.tenantId);
    const body = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`info_${i}`, `v${i}`]));
    expect((await updateMetadata(t, body, contactId)).status).toBe(200);
    const cost = await measure(() =>
      call(`/api/public/contact/${contactId}/info`, { headers: { "x-api-key": t.apiKey } }),
    );
    expect(cost).toEqual({ status: 200, roundTrips: 1, llmCalls: 0, kv: "reads=0 writes=0" });
  });

  it("history: a page of a contact's activity costs 1 round trip, even for a key not seen before", async () => {
    const t = await tenantWith100Fields();
    for (let i = 0; i < 5; i++) {
      await updateMetadata(t, { field_1: `v${i}`, field_2: `w${i}` });
    }
    const cost = await measure(() =>
      call(`/api/public/contact/${t.contactId}/activity?limit=2&key=field_1`, {
        headers: { "x-api-key": t.apiKey },
      }),
    );
    expect(cost).toEqual({ status: 200, roundTrips: 1, llmCalls: 0, kv: "reads=0 writes=0" });
  });

  it("search: filters on a tenant's fields cost 1 round trip once the caller is known", async () => {
    const t = await tenantWith100Fields();
    await updateMetadata(t, { field_1: "Pro", field_2: "x" }); // the key is verified, the definitions cached
    const body = {
      filters: [
        { key: "Field 1", op: "eq", value: "Pro" },
        { key: "field_2", op: "exists" },
      ],
    };
    const cost = await measure(() =>
      call("/api/public/contacts/search", {
        method: "POST",
        headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
    expect(cost).toEqual({ status: 200, roundTrips: 1, llmCalls: 0, kv: "reads=0 writes=0" });
  });

  it("upsert: by an existing email and by a new one, 1 round trip each once the caller is known", async () => {
    const t = await tenantWith100Fields();
    await updateMetadata(t, { field_0: "warm" });
    const upsert = (email: string) =>
      call("/api/public/contacts/upsert", {
        method: "POST",
        headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ email, metadata: { field_1: "a", field_2: "b" } }),
      });
    const email = `cost-${crypto.randomUUID()}@example.com`;
    expect(await measure(() => upsert(email))).toEqual({
      status: 201,
      roundTrips: 1,
      llmCalls: 0,
      kv: "reads=0 writes=0",
    });
    expect(await measure(() => upsert(email.toUpperCase()))).toEqual({
      status: 200,
      roundTrips: 1,
      llmCalls: 0,
      kv: "reads=0 writes=0",
    });
  });

  it("a made-up key naming a real tenant costs what one naming no tenant does: 1 statement, 0 KV, 0 LLM", async () => {
    const t = await tenantWith100Fields();
    // The projection is in KV and the isolate is cold (an env of its own): reading the tenant's
    // definitions before the key check would show here as a KV read, a ledger statement or time.
    await vi.waitFor(async () => expect(await projectionOf(t.tenantId)).not.toBeNull());
    const testEnv = freshEnv();
    const forged = (tenantId: string) => () =>
      callWith(testEnv, `/api/public/contact/${t.contactId}/update-metadata`, {
        method: "POST",
        headers: { "x-api-key": generateToken("cmk", tenantId).key, "content-type": "application/json" },
        body: JSON.stringify({ never_seen_before: "x", field_1: "y" }),
      });
    const costs = [];
    for (const tenantId of [t.tenantId, crypto.randomUUID()]) {
      const seen = (await statements()).count;
      const cost = await measure(forged(tenantId));
      const after = await statements();
      costs.push({
        ...cost,
        statements: after.statements.slice(after.statements.length - (after.count - seen)),
      });
    }
    const [real, unknown] = costs;
    expect(real).toMatchObject({ status: 401, roundTrips: 1, llmCalls: 0, kv: "reads=0 writes=0" });
    // The very same statement (the key check), touching no definitions table.
    expect(real?.statements).toEqual(unknown?.statements);
    expect(real?.statements).toHaveLength(1);
    expect(real?.statements?.[0]).toContain("FROM api_keys");
    expect(real?.statements?.[0]).not.toMatch(/field_definitions|field_names|contact_field_values/);
    expect(unknown).toMatchObject({ status: 401, roundTrips: 1, llmCalls: 0, kv: "reads=0 writes=0" });
  });

  it("80,000 repeated form pairs with a made-up key: 413, no round trip, no KV", async () => {
    const t = await seedTenant();
    const cost = await measure(() =>
      call(`/api/public/contact/${t.contactId}/update-metadata`, {
        method: "POST",
        headers: {
          "x-api-key": generateToken("cmk", t.tenantId).key,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "a=1&".repeat(80_000),
      }),
    );
    expect(cost).toEqual({ status: 413, roundTrips: 0, llmCalls: 0, kv: "reads=0 writes=0" });
  });
});

// Issue 15: neither safe retries nor metering may add a round trip to a request's path.
describe("cost of Idempotency-Key and usage metering", () => {
  const keyed = (t: TenantFixture, key: string, body: unknown) =>
    call(`/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(body),
    });

  it("a keyed request costs its one statement (the answer is saved after the response); a replay costs 1 round trip", async () => {
    const t = await tenantWith100Fields();
    await updateMetadata(t, { field_0: "warm" });
    const before = await roundTrips();
    const first = await keyed(t, "cost-1", { field_1: "x" });
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    // The claim rides in the write statement; the save of the answer is one deferred statement.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await roundTrips()) - before).toBe(2);
    expect(await measure(() => keyed(t, "cost-1", { field_1: "x" }))).toEqual({
      status: 200,
      roundTrips: 1,
      llmCalls: 0,
      kv: "reads=0 writes=0",
    });
  });

  it("reads that are metered (list, usage) still cost 1 round trip each", async () => {
    const t = await tenantWith100Fields();
    const get = (path: string) => () => call(path, { headers: { "x-api-key": t.apiKey } });
    expect(await measure(get("/api/public/custom-fields"))).toMatchObject({ status: 200, roundTrips: 1 });
    expect(await measure(get("/api/public/usage"))).toMatchObject({ status: 200, roundTrips: 1 });
  });

  it("the LLM budget is known before the call at no cost: within it 1 call, past it 0 calls, 1 round trip each", async () => {
    const t = await tenantWith100Fields();
    await query("UPDATE tenants SET llm_token_budget = 100 WHERE id = $1", [t.tenantId]);
    await updateMetadata(t, { field_0: "warm" }); // verifies the key and reads the budget
    await scriptLlm(t.token, [
      {
        kind: "content",
        content: JSON.stringify({ mappings: [], extracted: [] }),
        usage: { prompt_tokens: 80, completion_tokens: 40 },
      },
    ]);
    expect(await measure(() => updateMetadata(t, { budget_key_one: "x" }))).toMatchObject({
      status: 200,
      roundTrips: 1,
      llmCalls: 1,
    });
    // 120 tokens of 100: the statement's answer says so; the next unknown key skips the LLM.
    expect(await measure(() => updateMetadata(t, { budget_key_two: "x" }))).toMatchObject({
      status: 200,
      roundTrips: 1,
      llmCalls: 0,
    });
  });

  it("an update with a webhook endpoint registered still costs 1 round trip: the outbox row rides in it", async () => {
    const t = await tenantWith100Fields();
    const registered = await postJson("/api/public/webhook-endpoints", t.apiKey, {
      url: "http://127.0.0.1:9/hook",
    });
    expect(registered.status).toBe(201);
    await updateMetadata(t, { field_0: "warm" });
    const body = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`field_${i}`, `changed ${i}`]));
    expect(await measure(() => updateMetadata(t, body))).toEqual({
      status: 200,
      roundTrips: 1,
      llmCalls: 0,
      kv: "reads=0 writes=0",
    });
    // Written by that one statement (the queue send after the response is not a database trip).
    const events = await query<{ seq: string }>(
      "SELECT seq FROM contact_events WHERE contact_id = $1 ORDER BY seq",
      [t.contactId],
    );
    expect(events.map((e) => Number(e.seq))).toEqual([1, 2]);
  });

  it("creating a contact with metadata costs 1 round trip, its contact.created event included", async () => {
    const t = await tenantWith100Fields();
    await updateMetadata(t, { field_0: "warm" });
    let id = "";
    const cost = await measure(async () => {
      const res = await postJson("/api/public/contact", t.apiKey, {
        name: "Grace",
        metadata: { field_1: "x" },
      });
      id = (await res.clone().json<{ id: string }>()).id;
      return res;
    });
    expect(cost).toEqual({ status: 201, roundTrips: 1, llmCalls: 0, kv: "reads=0 writes=0" });
    const events = await query<{ seq: string; type: string }>(
      "SELECT seq, type FROM contact_events WHERE contact_id = $1",
      [id],
    );
    expect(events).toEqual([{ seq: "1", type: "contact.created" }]);
  });

  it("each webhook endpoint route costs 1 round trip", async () => {
    const t = await seedTenant();
    const headers = { "x-api-key": t.apiKey };
    let id = "";
    const create = await measure(async () => {
      const res = await postJson("/api/public/webhook-endpoints", t.apiKey, {
        url: "http://127.0.0.1:9/hook",
      });
      id = (await res.clone().json<{ id: string }>()).id;
      return res;
    });
    expect(create).toMatchObject({ status: 201, roundTrips: 1 });
    expect(await measure(() => call("/api/public/webhook-endpoints", { headers }))).toMatchObject({
      status: 200,
      roundTrips: 1,
    });
    expect(
      await measure(() => call(`/api/public/webhook-endpoints/${id}/deliveries`, { headers })),
    ).toMatchObject({ status: 200, roundTrips: 1 });
    expect(
      await measure(() =>
        call(`/api/public/webhook-endpoints/${id}/deliveries/${crypto.randomUUID()}/retry`, {
          method: "POST",
          headers,
        }),
      ),
    ).toMatchObject({ status: 404, roundTrips: 1 });
    expect(
      await measure(() => call(`/api/public/webhook-endpoints/${id}`, { method: "DELETE", headers })),
    ).toMatchObject({ status: 200, roundTrips: 1 });
  });
});
