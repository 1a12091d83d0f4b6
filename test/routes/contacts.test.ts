import { describe, expect, it } from "vitest";
import {
  activityRows,
  call,
  fieldMap,
  postJson,
  query,
  seedTenant,
  tamperedKey,
  updateMetadata,
} from "../harness";

describe("GET /api/public/contact/{id}/info", () => {
  it("returns the contact, metadata as key -> value and the full field objects", async () => {
    const t = await seedTenant();
    await updateMetadata(t, { companyName: "Acme", score: 7 });
    const res = await call(`/api/public/contact/${t.contactId}/info`, { headers: { "x-api-key": t.apiKey } });
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown> & { fields: Record<string, unknown>[] }>();
    expect(body).toMatchObject({
      id: t.contactId,
      name: "Ada",
      email: null,
      phone: null,
      metadata: { company_name: "Acme", score: "7" },
    });
    expect(body.fields.map((f) => [f.key, f.value, f.source_key, f.matched_by, f.ai_contact_id])).toEqual([
      ["company_name", "Acme", "companyName", "new", t.contactId],
      ["score", "7", "score", "new", t.contactId],
    ]);
  });

  it("is 404 for another tenant's contact and 401 without a valid key", async () => {
    const owner = await seedTenant();
    const other = await seedTenant();
    const foreign = await call(`/api/public/contact/${owner.contactId}/info`, {
      headers: { "x-api-key": other.apiKey },
    });
    expect(foreign.status).toBe(404);
    const anonymous = await call(`/api/public/contact/${owner.contactId}/info`);
    expect(anonymous.status).toBe(401);
  });
});

describe("POST /api/public/contact", () => {
  it("creates a contact with its metadata and answers 201 with its id", async () => {
    const t = await seedTenant();
    const res = await postJson("/api/public/contact", t.apiKey, {
      name: "Grace",
      email: "grace@example.com",
      phone: "+1 202 555 0143",
      metadata: { planTier: "pro", seats: 42 },
    });
    expect(res.status).toBe(201);
    const body = await res.json<{ id: string; name: string; fields: { key: string; value: string }[] }>();
    // The phone is stored in E.164 (test/routes/upsert.test.ts has the validation's cases).
    expect(body).toMatchObject({ name: "Grace", email: "grace@example.com", phone: "+12025550143" });
    const [row] = await query<{ tenant_id: string }>("SELECT tenant_id FROM contacts WHERE id = $1", [
      body.id,
    ]);
    expect(row?.tenant_id).toBe(t.tenantId);
    expect(await fieldMap(body.id)).toEqual({ plan_tier: "pro", seats: "42" });
    expect(await activityRows(body.id)).toHaveLength(1);
  });

  it("keeps the exact digits of metadata numbers sent as raw JSON", async () => {
    const t = await seedTenant();
    const res = await postJson(
      "/api/public/contact",
      t.apiKey,
      '{"name": "Big", "metadata": {"n": 12345678901234567890}}',
    );
    const body = await res.json<{ id: string }>();
    expect(await fieldMap(body.id)).toEqual({ n: "12345678901234567890" });
  });

  it("creates nothing when a metadata key is invalid or the key is wrong", async () => {
    const t = await seedTenant();
    const count = async () =>
      (await query<{ n: string }>("SELECT count(*) AS n FROM contacts WHERE tenant_id = $1", [t.tenantId]))[0]
        ?.n;
    const before = await count();
    expect(
      (await postJson("/api/public/contact", t.apiKey, { name: "X", metadata: { "!!!": 1 } })).status,
    ).toBe(400);
    expect((await postJson("/api/public/contact", t.apiKey, { name: 5 })).status).toBe(400);
    expect((await postJson("/api/public/contact", tamperedKey(t.apiKey), { name: "X" })).status).toBe(401);
    expect(await count()).toBe(before);
  });
});
