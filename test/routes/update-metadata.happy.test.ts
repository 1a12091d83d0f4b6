import { describe, expect, it, vi } from "vitest";
import {
  activityRows,
  fieldMap,
  fieldRows,
  ledger,
  ledgerVersion,
  projectionOf,
  query,
  seedTenant,
  updateMetadata,
} from "../harness";

describe("POST /api/public/contact/{id}/update-metadata", () => {
  it("stores every value as a string and answers with one object per field", async () => {
    const t = await seedTenant();
    // Raw text: a JS number literal would already have lost the last digits.
    const res = await updateMetadata(
      t,
      '{"companyName": "Acme", "leadScore": 95, "big": 12345678901234567890, "vip": true, "address": {"city": "Madrid", "zip": 28001}, "tags": ["a", "b"]}',
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const body = await res.json<Record<string, unknown>[]>();
    expect(body.map((f) => [f.key, f.value, f.source_key, f.matched_by])).toEqual([
      ["company_name", "Acme", "companyName", "new"],
      ["lead_score", "95", "leadScore", "new"],
      ["big", "12345678901234567890", "big", "new"],
      ["vip", "true", "vip", "new"],
      ["address", '{"city":"Madrid","zip":28001}', "address", "new"],
      ["tags", "a, b", "tags", "new"],
    ]);
    for (const field of body) {
      expect(field).toMatchObject({ ai_contact_id: t.contactId, id: expect.any(String) });
      expect(field.custom_field_definition_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(String(field.created_at)).toISOString()).toBe(field.created_at);
      expect(field.updated_at).toEqual(expect.any(String));
    }
    expect(await fieldMap(t.contactId)).toEqual({
      address: '{"city":"Madrid","zip":28001}',
      big: "12345678901234567890",
      company_name: "Acme",
      lead_score: "95",
      tags: "a, b",
      vip: "true",
    });
  });

  it("records a text definition for each new key, with the id the response names, and projects it to KV", async () => {
    const t = await seedTenant();
    const res = await updateMetadata(t, { "Favourite Colour": "green" });
    const [field] = await res.json<{ custom_field_definition_id: string }[]>();
    const expected = expect.objectContaining({
      id: field?.custom_field_definition_id,
      key: "favourite_colour",
      type: "text",
      aliases: [],
    });
    expect(await ledger(t.tenantId)).toEqual([expected]);
    await vi.waitFor(async () => {
      const projection = await projectionOf(t.tenantId);
      expect(projection?.version).toBe(await ledgerVersion(t.tenantId));
      expect(projection?.definitions).toEqual([expected]);
    });
  });

  it("unwraps {metadata: {...}}", async () => {
    const t = await seedTenant();
    const res = await updateMetadata(t, { metadata: { companyName: "Acme" } });
    expect(res.status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({ company_name: "Acme" });
  });

  it("is additive and overwriting: unsent fields stay, sent fields are replaced whole", async () => {
    const t = await seedTenant();
    await updateMetadata(t, { a: "1", b: { x: 1, y: 2 } });
    const res = await updateMetadata(t, { b: { x: 3 }, c: "new" });
    expect(res.status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({ a: "1", b: '{"x":3}', c: "new" });
  });

  it("clears a field on null and lists it with value null", async () => {
    const t = await seedTenant();
    await updateMetadata(t, { a: "1", b: "2" });
    const res = await updateMetadata(t, { a: null, never_set: null });
    const body = await res.json<{ key: string; value: string | null; id: string | null }[]>();
    expect(body).toEqual([
      expect.objectContaining({ key: "a", value: null, id: expect.any(String) }),
      expect.objectContaining({ key: "never_set", value: null, id: null }),
    ]);
    expect(await fieldMap(t.contactId)).toEqual({ b: "2" });
  });

  it("lets the later of two colliding keys win and says so", async () => {
    const t = await seedTenant();
    const res = await updateMetadata(t, '{"companyName": "first", "company_name": "second"}');
    const body = await res.json<{ key: string; value: string; source_key: string; warning?: string }[]>();
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({ key: "company_name", value: "second", source_key: "company_name" });
    expect(body[0]?.warning).toMatch(/"companyName".*"company_name"/);
    expect(await fieldMap(t.contactId)).toEqual({ company_name: "second" });
  });

  it("answers [] for an empty object and writes no activity", async () => {
    const t = await seedTenant();
    const res = await updateMetadata(t, {});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    expect(await activityRows(t.contactId)).toEqual([]);
  });

  it("appends one activity row per update with old and new values, the key and the request id", async () => {
    const t = await seedTenant();
    await updateMetadata(t, { a: "1", b: "2" });
    const res = await updateMetadata(t, { a: "10", b: null, c: "3" });
    const requestId = res.headers.get("x-request-id");
    const rows = await activityRows(t.contactId);
    expect(rows).toHaveLength(2);
    const [keyRow] = await query<{ id: string }>("SELECT id FROM api_keys WHERE tenant_id = $1", [
      t.tenantId,
    ]);
    expect(rows[1]).toMatchObject({
      request_id: requestId,
      kind: "metadata_updated",
      api_key_id: keyRow?.id,
    });
    expect(rows[1]?.changes).toEqual([
      { key: "a", source_key: "a", old_value: "1", new_value: "10" },
      { key: "b", source_key: "b", old_value: "2", new_value: null },
      { key: "c", source_key: "c", old_value: null, new_value: "3" },
    ]);
  });

  it("accepts Authorization: Bearer as well as x-api-key", async () => {
    const t = await seedTenant();
    const { call } = await import("../harness");
    const res = await call(`/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.apiKey}`, "content-type": "application/json" },
      body: '{"x": "1"}',
    });
    expect(res.status).toBe(200);
    expect((await fieldRows(t.contactId)).map((r) => r.key)).toEqual(["x"]);
  });
});
