// What each tenant spends (issue 15): usage counted by the statements that serve the requests,
// the monthly LLM budget, and the Analytics Engine data point per request.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import {
  call,
  type FakeLlmResponse,
  llmCalls,
  postJson,
  putField,
  query,
  scriptLlm,
  seedTenant,
  type TenantFixture,
  tamperedKey,
  updateMetadata,
} from "../harness";

interface Usage {
  from: string;
  to: string;
  days: Record<string, number | string>[];
  totals: Record<string, number>;
  llm_budget: { month: string; tokens: number | null; used: number; spent: boolean };
}

const usage = async (t: TenantFixture, search = ""): Promise<Usage> => {
  const res = await call(`/api/public/usage${search}`, { headers: { "x-api-key": t.apiKey } });
  expect(res.status).toBe(200);
  return res.json<Usage>();
};

/** An LLM answer with the token counts the provider would report for it. */
const paid = (value: unknown, prompt: number, completion: number): FakeLlmResponse => ({
  kind: "content",
  content: JSON.stringify(value),
  usage: { prompt_tokens: prompt, completion_tokens: completion },
});

async function tenantWithCompany(): Promise<TenantFixture & { token: string }> {
  const t = await seedTenant();
  const token = `tok_${crypto.randomUUID().replaceAll("-", "")}`;
  expect((await putField(t, "company_name", { label: "Company name", description: token })).status).toBe(201);
  return { ...t, token };
}

const today = () => new Date().toISOString().slice(0, 10);

describe("usage per tenant per UTC day", () => {
  it("counts a scripted sequence exactly: requests, fields, contacts, LLM calls and tokens", async () => {
    const t = await tenantWithCompany(); // 1 request (the PUT)
    await scriptLlm(t.token, [
      paid({ mappings: [{ key: "zorblax", field: "company_name", value: null }], extracted: [] }, 200, 20),
      paid({ mappings: [], extracted: [] }, 150, 15),
    ]);
    const contact = `/api/public/contact/${t.contactId}`;
    // 2: one field, no LLM.
    expect((await updateMetadata(t, { company_name: "Acme" })).status).toBe(200);
    // 3: one field, LLM call #1 (200 + 20 tokens).
    expect((await updateMetadata(t, { zorblax: "Zeta" })).status).toBe(200);
    // 4, 5: reads count too.
    expect((await call(`${contact}/info`, { headers: { "x-api-key": t.apiKey } })).status).toBe(200);
    expect((await call("/api/public/custom-fields", { headers: { "x-api-key": t.apiKey } })).status).toBe(
      200,
    );
    // 6, 7: the history and a search are reads as well.
    expect((await call(`${contact}/activity`, { headers: { "x-api-key": t.apiKey } })).status).toBe(200);
    const search = await postJson("/api/public/contacts/search", t.apiKey, {
      filters: [{ key: "company_name", op: "exists" }],
    });
    expect(search.status).toBe(200);
    // 8: an upsert that creates its contact, with one field.
    expect(
      (
        await postJson("/api/public/contacts/upsert", t.apiKey, {
          email: "ada@example.com",
          metadata: { company_name: "Eta" },
        })
      ).status,
    ).toBe(201);
    // 9: a contact and one field.
    const created = await postJson("/api/public/contact", t.apiKey, {
      name: "Grace",
      metadata: { company_name: "Beta" },
    });
    expect(created.status).toBe(201);
    const grace = (await created.json<{ id: string }>()).id;
    // 10: bulk, 2 items x 2 fields, LLM call #2 (150 + 15 tokens; it maps nothing).
    const bulk = await postJson("/api/public/contacts/update-metadata", t.apiKey, {
      items: [
        { aiContactId: t.contactId, metadata: { company_name: "Gamma", qux_count: "3" } },
        { aiContactId: grace, metadata: { company_name: "Delta", qux_count: "4" } },
      ],
    });
    expect(bulk.status).toBe(200);
    // 11: with an Idempotency-Key, then its replay (not counted again).
    const keyed = () =>
      call(`${contact}/update-metadata`, {
        method: "POST",
        headers: { "x-api-key": t.apiKey, "content-type": "application/json", "idempotency-key": "usage-1" },
        body: JSON.stringify({ company_name: null }),
      });
    expect((await keyed()).status).toBe(200);
    await vi.waitFor(async () => expect((await keyed()).headers.get("idempotent-replayed")).toBe("true"), {
      timeout: 10_000,
    });
    // Not counted as requests: a 404, a 401, a 400. The 404's LLM call (#3, 150 + 15 tokens) was
    // paid all the same: it is recorded after the response, its statement having refused itself.
    expect((await updateMetadata(t, { blorp: "1" }, "7b0f3a52-1d7e-4c3b-9a0e-5f2d8c6b4a19")).status).toBe(
      404,
    );
    expect((await updateMetadata({ ...t, apiKey: tamperedKey(t.apiKey) }, { a: "1" })).status).toBe(401);
    expect((await updateMetadata(t, { "!!!": "1" })).status).toBe(400);
    await vi.waitFor(
      async () =>
        expect(
          await query("SELECT 1 FROM usage_events WHERE tenant_id = $1 AND requests = 0 AND llm_calls = 1", [
            t.tenantId,
          ]),
        ).toHaveLength(1),
      { timeout: 10_000 },
    );

    const first = await usage(t);
    const expected = {
      requests: 11,
      // 1 + 1 + 1 (upsert) + 1 (create) + 4 (bulk) + 1 (a clear is a write)
      fields_written: 9,
      contacts_created: 2,
      llm_calls: 3,
      llm_prompt_tokens: 500,
      llm_completion_tokens: 50,
    };
    expect(first.days).toEqual([{ day: today(), ...expected }]);
    expect(first.totals).toEqual(expected);
    expect(first.from).toBe(`${today().slice(0, 8)}01`);
    expect(first.to).toBe(today());
    expect(first.llm_budget).toEqual({ month: today().slice(0, 7), tokens: null, used: 550, spent: false });
    // The read just made is counted as well, by its own statement.
    expect((await usage(t)).totals.requests).toBe(12);
    // Append-only: one row per metered statement, none carrying more than one request.
    const [rows] = await query<{ n: string; most: number }>(
      "SELECT count(*) AS n, max(requests) AS most FROM usage_events WHERE tenant_id = $1",
      [t.tenantId],
    );
    expect(rows).toEqual({ n: "14", most: 1 });
  });

  it("shows a range of days and refuses bad ranges", async () => {
    const t = await seedTenant();
    await query(
      `INSERT INTO usage_events (tenant_id, day, request_id, requests, fields_written) VALUES
        ($1, '2026-01-31', 'r1', 1, 3), ($1, '2026-02-01', 'r2', 1, 1), ($1, '2026-02-01', 'r3', 1, 2),
        ($1, '2026-03-01', 'r4', 1, 5)`,
      [t.tenantId],
    );
    const february = await usage(t, "?from=2026-02-01");
    expect(february.to).toBe("2026-02-28");
    expect(february.days.map((d) => [d.day, d.requests, d.fields_written])).toEqual([["2026-02-01", 2, 3]]);
    const span = await usage(t, "?from=2026-01-31&to=2026-03-01");
    expect(span.totals).toMatchObject({ requests: 4, fields_written: 11 });
    for (const bad of [
      "?from=2026-02-30",
      "?from=2026-03-02&to=2026-03-01",
      "?from=2025-01-01&to=2026-01-02",
      "?to=soon",
    ]) {
      const res = await call(`/api/public/usage${bad}`, { headers: { "x-api-key": t.apiKey } });
      expect(res.status, bad).toBe(400);
    }
  });
});

describe("monthly LLM budget", () => {
  it("skips the LLM once the month's budget is spent; the request still succeeds, each key warned", async () => {
    const t = await tenantWithCompany();
    await query("UPDATE tenants SET llm_token_budget = 1000 WHERE id = $1", [t.tenantId]);
    // Mid-month: 900 tokens spent on earlier days of this month; last month's spend does not count.
    await query(
      `INSERT INTO llm_spend_shards (tenant_id, month, shard, calls, tokens) VALUES
        ($1, date_trunc('month', now() AT TIME ZONE 'UTC')::date, 3, 4, 900),
        ($1, (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::date, 0, 99, 50000)`,
      [t.tenantId],
    );
    await scriptLlm(t.token, [
      paid({ mappings: [{ key: "frobnicator", field: "company_name", value: null }], extracted: [] }, 80, 40),
    ]);
    // 900 < 1000: this call is made, and crosses the budget (1020).
    const crossing = await updateMetadata(t, { frobnicator: "Acme" });
    expect(crossing.status).toBe(200);
    expect(crossing.headers.get("server-timing")).toMatch(/llm;dur=[\d.]+;desc="calls=1 ok"/);
    expect(await llmCalls(t.token)).toHaveLength(1);

    const past = await updateMetadata(t, { wibbleton: "Beta", company_name: "Gamma" });
    expect(past.status).toBe(200);
    expect(past.headers.get("server-timing")).toContain('llm;dur=0.0;desc="calls=0 budget"');
    expect(await llmCalls(t.token)).toHaveLength(1);
    const fields = await past.json<{ key: string; matched_by: string; warning?: string }[]>();
    expect(fields).toEqual([
      expect.objectContaining({
        key: "wibbleton",
        matched_by: "new",
        warning: expect.stringContaining("budget is spent"),
      }),
      expect.not.objectContaining({ warning: expect.anything() }),
    ]);
    expect((await usage(t)).llm_budget).toEqual({
      month: new Date().toISOString().slice(0, 7),
      tokens: 1000,
      used: 1020,
      spent: true,
    });
  });
});

describe("Workers Analytics Engine", () => {
  it("writes one data point per served request, indexed by the tenant; none for a refused key", async () => {
    const t = await seedTenant();
    const points: AnalyticsEngineDataPoint[] = [];
    const dataset: AnalyticsEngineDataset = { writeDataPoint: (point) => void points.push(point ?? {}) };
    const send = async (path: string, init: RequestInit) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`http://api.test${path}`, init),
        { ...env, USAGE_EVENTS: dataset },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    const post = (apiKey: string, body: unknown) =>
      send(`/api/public/contact/${t.contactId}/update-metadata`, {
        method: "POST",
        headers: { "x-api-key": apiKey, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post(t.apiKey, { a: "1", b: "2" })).status).toBe(200);
    expect((await post(tamperedKey(t.apiKey), { a: "1" })).status).toBe(401);
    expect(
      (await send(`/api/public/contact/${t.contactId}/info`, { headers: { "x-api-key": t.apiKey } })).status,
    ).toBe(200);
    expect(points).toHaveLength(2);
    expect(points[0]).toMatchObject({
      indexes: [t.tenantId],
      blobs: ["POST /api/public/contact/:aiContactId/update-metadata", "200", "skipped", ""],
      doubles: [1, 2, 0, 0, 0, 0, expect.any(Number)],
    });
    expect(points[1]).toMatchObject({
      indexes: [t.tenantId],
      blobs: ["GET /api/public/contact/:aiContactId/info", "200", "skipped", ""],
      doubles: [1, 0, 0, 0, 0, 0, expect.any(Number)],
    });
  });
});
