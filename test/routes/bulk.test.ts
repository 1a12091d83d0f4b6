import { describe, expect, it } from "vitest";
import {
  activityRows,
  answer,
  fieldMap,
  llmCalls,
  postJson,
  putField,
  scriptLlm,
  seedContact,
  seedTenant,
} from "../harness";

const bulk = (apiKey: string | undefined, body: unknown) =>
  postJson("/api/public/contacts/update-metadata", apiKey, body);

interface BulkResult {
  results: {
    index: number;
    ai_contact_id: string;
    status: number;
    fields?: { key: string; value: string | null; matched_by: string }[];
    error?: { code: string; message: string };
  }[];
}

describe("POST /api/public/contacts/update-metadata", () => {
  it("applies good items and fails bad ones alone: missing, foreign, bad key, duplicate", async () => {
    const t = await seedTenant();
    const second = await seedContact(t.tenantId, "Grace");
    const other = await seedTenant("other");
    const res = await bulk(t.apiKey, {
      items: [
        { aiContactId: t.contactId, metadata: { plan: "pro", seats: 12345678901234567890n.toString() } },
        { aiContactId: "7b0f3a52-1d7e-4c3b-9a0e-5f2d8c6b4a19", metadata: { plan: "x" } },
        { aiContactId: other.contactId, metadata: { plan: "hijack" } },
        { aiContactId: second, metadata: { "!!!": "bad key" } },
        { aiContactId: t.contactId, metadata: { plan: "duplicate" } },
      ],
    });
    expect(res.status).toBe(200);
    const { results } = await res.json<BulkResult>();
    expect(results.map((r) => [r.index, r.status, r.error?.code])).toEqual([
      [0, 200, undefined],
      [1, 404, "NOT_FOUND"],
      [2, 404, "NOT_FOUND"],
      [3, 400, "BAD_REQUEST"],
      [4, 400, "BAD_REQUEST"],
    ]);
    expect(results[0]?.fields?.map((f) => [f.key, f.value])).toEqual([
      ["plan", "pro"],
      ["seats", "12345678901234567890"],
    ]);
    expect(await fieldMap(t.contactId)).toEqual({ plan: "pro", seats: "12345678901234567890" });
    expect(await fieldMap(second)).toEqual({});
    expect(await fieldMap(other.contactId)).toEqual({});
    expect(await activityRows(t.contactId)).toHaveLength(1);
    expect(await activityRows(other.contactId)).toHaveLength(0);
  });

  it("keeps exact digits of numbers sent as raw JSON and accepts a bare array", async () => {
    const t = await seedTenant();
    const res = await bulk(
      t.apiKey,
      `[{"aiContactId": "${t.contactId}", "metadata": {"n": 12345678901234567890}}]`,
    );
    expect((await res.json<BulkResult>()).results[0]?.status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({ n: "12345678901234567890" });
  });

  it("makes ONE LLM call for 100 items sharing unknown keys, and maps them in every item", async () => {
    const t = await seedTenant();
    const token = `tok_${crypto.randomUUID().replaceAll("-", "")}`;
    await putField(t, "company_name", { description: token });
    await putField(t, "employee_count", { type: "number" });
    await scriptLlm(token, [
      answer({
        mappings: [
          { key: "marca", field: "company_name", value: null },
          { key: "plantilla", field: "employee_count", value: "10" },
          { key: "color", field: null, value: null },
        ],
        extracted: [],
      }),
    ]);
    const contacts = [
      t.contactId,
      ...(await Promise.all(Array.from({ length: 99 }, () => seedContact(t.tenantId)))),
    ];
    const res = await bulk(t.apiKey, {
      items: contacts.map((id, i) => ({
        aiContactId: id,
        metadata: { marca: `Acme ${i}`, plantilla: i === 0 ? "about 10" : String(i), color: "red" },
      })),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("server-timing")).toMatch(/llm;dur=[\d.]+;desc="calls=1 ok"/);
    const { results } = await res.json<BulkResult>();
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(await llmCalls(token)).toHaveLength(1);
    // The first item's messy value was rewritten by the LLM; the others were formatted as sent.
    expect(results[0]?.fields?.map((f) => [f.key, f.value, f.matched_by])).toEqual([
      ["company_name", "Acme 0", "llm"],
      ["employee_count", "10", "llm"],
      ["color", "red", "new"],
    ]);
    expect(await fieldMap(contacts[42] as string)).toEqual({
      company_name: "Acme 42",
      employee_count: "42",
      color: "red",
    });
  });

  it("refuses more than 100 items, a body that is not an items list, and a bad key", async () => {
    const t = await seedTenant();
    const tooMany = Array.from({ length: 101 }, () => ({ aiContactId: t.contactId, metadata: { a: "1" } }));
    const res = await bulk(t.apiKey, { items: tooMany });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { message: string } }>()).error.message).toContain("at most 100 items");
    expect((await bulk(t.apiKey, { contacts: [] })).status).toBe(400);
    expect((await bulk(t.apiKey, [{ aiContactId: t.contactId, metadata: 5 }])).status).toBe(400);
    expect((await bulk(undefined, { items: [] })).status).toBe(401);
    expect(
      (await bulk(`${t.apiKey.slice(0, -1)}${t.apiKey.endsWith("A") ? "B" : "A"}`, { items: [] })).status,
    ).toBe(401);
    expect(await fieldMap(t.contactId)).toEqual({});
  });
});
