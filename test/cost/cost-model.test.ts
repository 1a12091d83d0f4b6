// The cost model of docs/contract.md ("Cost"), pinned as exact counts: database round trips are
// counted at the local Neon proxy, LLM calls at the fake LLM, KV operations from Server-Timing.
// This file runs in its own vitest project, so its proxy and fake LLM see no other test's traffic.
import { env } from "cloudflare:workers";
import { describe, expect, inject, it, vi } from "vitest";
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

const roundTrips = async () =>
  (await (await fetch(`${inject("proxyUrl")}/stats`)).json<{ roundTrips: number }>()).roundTrips;
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
  for (let i = 0; i < 100; i++) {
    await putField(t, `field_${i}`, i === 0 ? { description: token } : {});
  }
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

  it("a cold isolate reads the tenant's definitions from KV once, after one check of the key", async () => {
    const t = await seedTenant();
    // Written behind the Worker's back, so no isolate has this tenant (or its key) cached.
    await env.FIELDS_KV.put(`definitions:v2:${t.tenantId}`, JSON.stringify({ version: 0, definitions: [] }));
    // A key this isolate has never seen confirmed is checked first (no tenant-sized work for an
    // unverified caller), then one KV read, then the statement.
    const first = await measure(() => updateMetadata(t, { cold_key: "x" }));
    // The new definition is projected to KV after the response (one write).
    expect(first).toEqual({ status: 200, roundTrips: 2, llmCalls: 0, kv: "reads=1 writes=1" });
    expect(await measure(() => updateMetadata(t, { cold_key: "y" }))).toEqual({
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

  it("a forged key costs 0 LLM calls, 0 KV reads and 1 round trip", async () => {
    const t = await tenantWith100Fields();
    const forged = `${t.apiKey.slice(0, -1)}${t.apiKey.endsWith("A") ? "B" : "A"}`;
    const cost = await measure(() =>
      call(`/api/public/contact/${t.contactId}/update-metadata`, {
        method: "POST",
        headers: { "x-api-key": forged, "content-type": "application/json" },
        body: JSON.stringify({ never_seen_before: "x" }),
      }),
    );
    // Refused by the key check, before the tenant's definitions are read: its cost (and timing)
    // tells nothing about the tenant.
    expect(cost).toEqual({ status: 401, roundTrips: 1, llmCalls: 0, kv: "reads=0 writes=0" });
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
