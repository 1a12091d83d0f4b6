// The cost model of SPEC ("fast and cheap"), pinned as exact counts: database round trips are
// counted at the local Neon proxy, LLM calls at the fake LLM, KV operations from Server-Timing.
// This file runs in its own vitest project, so its proxy and fake LLM see no other test's traffic.
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import {
  answer,
  call,
  putField,
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
    // The definitions come from the isolate's cache; the one KV read is the uncached
    // read-modify-write that saves the learned aliases.
    expect(await measure(() => updateMetadata(t, body))).toEqual({
      status: 200,
      roundTrips: 1,
      llmCalls: 1,
      kv: "reads=1 writes=1",
    });
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

  it("a cold isolate reads the tenant's definitions from KV once", async () => {
    const t = await seedTenant();
    // Written behind the Worker's back, so no isolate has this tenant cached.
    await env.FIELDS_KV.put(`fields:v1:${t.tenantId}`, JSON.stringify({ definitions: [] }));
    const first = await measure(() => updateMetadata(t, { cold_key: "x" }));
    expect(first).toMatchObject({ status: 200, roundTrips: 1, kv: "reads=2 writes=1" });
    expect(await measure(() => updateMetadata(t, { cold_key: "y" }))).toMatchObject({
      kv: "reads=0 writes=0",
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
    expect(cost).toEqual({ status: 200, roundTrips: 1, llmCalls: 1, kv: "reads=1 writes=1" });
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

  it("a forged key costs 0 LLM calls and 1 round trip", async () => {
    const t = await tenantWith100Fields();
    const forged = `${t.apiKey.slice(0, -1)}${t.apiKey.endsWith("A") ? "B" : "A"}`;
    const cost = await measure(() =>
      call(`/api/public/contact/${t.contactId}/update-metadata`, {
        method: "POST",
        headers: { "x-api-key": forged, "content-type": "application/json" },
        body: JSON.stringify({ never_seen_before: "x" }),
      }),
    );
    expect(cost).toMatchObject({ status: 401, roundTrips: 1, llmCalls: 0 });
  });
});
