import { describe, expect, it } from "vitest";
import {
  activityRows,
  call,
  fieldMap,
  ledger,
  postJson,
  query,
  seedContact,
  seedTenant,
  tamperedKey,
} from "../harness";
import { bulk, contactsOf, count, upsert } from "./read-side.helpers";

interface UpsertAnswer {
  id: string;
  created: boolean;
  fields: { key: string; value: string | null; ai_contact_id: string }[];
}

interface ErrorAnswer {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

describe("POST /api/public/contacts/upsert", () => {
  it("creates the contact (201), then finds it by its email in any case and spacing (200)", async () => {
    const t = await seedTenant();
    const first = await upsert(t.apiKey, {
      email: "Grace@Example.com",
      name: "Grace",
      metadata: { plan: "Pro", seats: 12345678901234567890n.toString() },
    });
    expect(first.status).toBe(201);
    const created = await first.json<UpsertAnswer>();
    expect(created).toMatchObject({ created: true });
    expect(created.fields.map((f) => [f.key, f.value, f.ai_contact_id])).toEqual([
      ["plan", "Pro", created.id],
      ["seats", "12345678901234567890", created.id],
    ]);
    const second = await postJson(
      "/api/public/contacts/upsert",
      t.apiKey,
      `{"email": "  grace@EXAMPLE.COM ", "name": "Someone else", "metadata": {"plan": "Team", "n": 98765432109876543210}}`,
    );
    expect(second.status).toBe(200);
    expect(await second.json<UpsertAnswer>()).toMatchObject({ id: created.id, created: false });
    expect(await fieldMap(created.id)).toEqual({
      plan: "Team",
      seats: "12345678901234567890",
      n: "98765432109876543210",
    });
    // The contact keeps what it was created with: name and email are not rewritten by a lookup.
    expect((await contactsOf(t.tenantId)).filter((c) => c.id === created.id)).toEqual([
      { id: created.id, name: "Grace", email: "Grace@example.com", phone: null },
    ]);
    expect(
      (await activityRows(created.id)).map((a) => a.changes.map((c) => [c.key, c.old_value, c.new_value])),
    ).toEqual([
      [
        ["plan", null, "Pro"],
        ["seats", null, "12345678901234567890"],
      ],
      [
        ["plan", "Pro", "Team"],
        ["n", null, "98765432109876543210"],
      ],
    ]);
  });

  it("finds by phone in E.164 whatever its formatting, and stores a new contact's phone in E.164", async () => {
    const t = await seedTenant();
    const first = await upsert(t.apiKey, { phone: "+34 600 00 00 00", metadata: { a: "1" } });
    expect(first.status).toBe(201);
    const { id } = await first.json<UpsertAnswer>();
    expect((await contactsOf(t.tenantId)).find((c) => c.id === id)?.phone).toBe("+34600000000");
    for (const phone of ["0034600000000", "+34-600-000-000", " +34 (600) 000 000 "]) {
      const res = await upsert(t.apiKey, { phone, metadata: { a: phone } });
      expect(res.status).toBe(200);
      expect((await res.json<UpsertAnswer>()).id).toBe(id);
    }
    expect(await count("SELECT count(*) AS n FROM contacts WHERE tenant_id = $1", [t.tenantId])).toBe(2);
  });

  it("uses the contact one of email and phone finds, without writing the other onto it", async () => {
    const t = await seedTenant();
    const { id } = await (
      await upsert(t.apiKey, { email: "ada@example.com", metadata: {} })
    ).json<UpsertAnswer>();
    const res = await upsert(t.apiKey, {
      email: "ada@example.com",
      phone: "+34 600 000 001",
      metadata: { x: "1" },
    });
    expect(res.status).toBe(200);
    expect((await res.json<UpsertAnswer>()).id).toBe(id);
    expect((await contactsOf(t.tenantId)).find((c) => c.id === id)?.phone).toBeNull();
    // The phone still belongs to nobody: an upsert by it alone creates its own contact.
    expect((await upsert(t.apiKey, { phone: "+34600000001", metadata: {} })).status).toBe(201);
  });

  it("refuses an email and a phone that name two different contacts (409 naming both), writing nothing", async () => {
    const t = await seedTenant();
    const byEmail = (
      await (await upsert(t.apiKey, { email: "a@example.com", metadata: {} })).json<UpsertAnswer>()
    ).id;
    const byPhone = (
      await (await upsert(t.apiKey, { phone: "+34600000002", metadata: {} })).json<UpsertAnswer>()
    ).id;
    const definitions = await ledger(t.tenantId);
    const res = await upsert(t.apiKey, {
      email: "A@example.com",
      phone: "+34 600 000 002",
      metadata: { brand_new_field: "x" },
    });
    expect(res.status).toBe(409);
    const body = await res.json<ErrorAnswer>();
    expect(body.error.code).toBe("CONFLICT");
    expect(body.error.message).toContain(byEmail);
    expect(body.error.message).toContain(byPhone);
    expect(body.error.details).toMatchObject({ email_contact_id: byEmail, phone_contact_id: byPhone });
    expect(await fieldMap(byEmail)).toEqual({});
    expect(await fieldMap(byPhone)).toEqual({});
    expect(await activityRows(byEmail)).toEqual([]);
    expect(await ledger(t.tenantId)).toEqual(definitions);
    expect(await count("SELECT count(*) AS n FROM contacts WHERE tenant_id = $1", [t.tenantId])).toBe(3);
  });

  it("refuses a request without email or phone, a bad email, a phone without its country and a bad key, creating nothing", async () => {
    const t = await seedTenant();
    const cases: [unknown, string][] = [
      [{ name: "x", metadata: { a: "1" } }, "an email or a phone is required"],
      [{ email: " ", phone: null, metadata: {} }, "an email or a phone is required"],
      [{ email: "not an email", metadata: {} }, "email: Invalid email"],
      [{ phone: "600 000 000", metadata: {} }, "country code"],
      [{ phone: "call the office", metadata: {} }, "phone: Not a phone number"],
      [{ email: "ok@example.com", metadata: { "!!!": "bad key" } }, "invalid metadata key"],
      [{ email: "ok@example.com", metadata: {}, extra: 1 }, "body"],
    ];
    for (const [body, message] of cases) {
      const res = await upsert(t.apiKey, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json<ErrorAnswer>()).error.message).toContain(message);
    }
    expect((await upsert(tamperedKey(t.apiKey), { email: "ok@example.com", metadata: {} })).status).toBe(401);
    expect(await count("SELECT count(*) AS n FROM contacts WHERE tenant_id = $1", [t.tenantId])).toBe(1);
  });

  it("turns 50 concurrent upserts of one new email into ONE contact with every field", async () => {
    const t = await seedTenant();
    const email = `race-${crypto.randomUUID()}@example.com`;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        upsert(t.apiKey, {
          email: i % 2 ? email.toUpperCase() : email,
          metadata: { [`field_${i}`]: `value ${i}` },
        }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([...Array(49).fill(200), 201]);
    const ids = new Set(await Promise.all(responses.map(async (r) => (await r.json<UpsertAnswer>()).id)));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as [string];
    const contacts = await query<{ id: string }>(
      "SELECT id FROM contacts WHERE tenant_id = $1 AND lower(email) = $2",
      [t.tenantId, email],
    );
    expect(contacts).toEqual([{ id }]);
    const fields = await fieldMap(id);
    expect(Object.keys(fields)).toHaveLength(50);
    for (let i = 0; i < 50; i++) {
      expect(fields[`field_${i}`]).toBe(`value ${i}`);
    }
    expect(await activityRows(id)).toHaveLength(50);
  });

  it("finds the oldest contact where emails were duplicated before they became unique", async () => {
    const t = await seedTenant();
    // As the migration leaves them: the oldest owns the email, later ones are marked duplicates.
    const [oldest, later] = [await seedContact(t.tenantId, "Oldest"), await seedContact(t.tenantId, "Later")];
    await query("UPDATE contacts SET email = 'dup@example.com' WHERE id = $1", [oldest]);
    await query("UPDATE contacts SET email = 'DUP@example.com', email_duplicate = true WHERE id = $1", [
      later,
    ]);
    const res = await upsert(t.apiKey, { email: "dup@example.com", metadata: { found: "yes" } });
    expect(res.status).toBe(200);
    expect((await res.json<UpsertAnswer>()).id).toBe(oldest);
    expect(await fieldMap(later)).toEqual({});
  });
});

describe("a refused identity with an Idempotency-Key", () => {
  // A 409 is not an answer to replay: the statement refuses itself, so neither the key's claim nor a
  // served request's usage row is left behind, and a retry with the same key is processed afresh.
  it("claims nothing and counts no request, for an upsert naming two contacts and a POST /contact taken", async () => {
    const t = await seedTenant();
    expect((await upsert(t.apiKey, { email: "k@example.com", metadata: {} })).status).toBe(201);
    expect((await upsert(t.apiKey, { phone: "+34600000009", metadata: {} })).status).toBe(201);
    const served = () =>
      count("SELECT coalesce(sum(requests), 0) AS n FROM usage_events WHERE tenant_id = $1", [t.tenantId]);
    const before = await served();
    const attempts = [
      [
        "/api/public/contacts/upsert",
        { email: "k@example.com", phone: "+34600000009", metadata: { a: "1" } },
      ],
      ["/api/public/contact", { email: "K@example.com", metadata: { a: "1" } }],
    ] as const;
    for (const [path, body] of attempts) {
      for (let attempt = 0; attempt < 2; attempt++) {
        const res = await call(path, {
          method: "POST",
          headers: {
            "x-api-key": t.apiKey,
            "content-type": "application/json",
            "idempotency-key": `refused-${path}`,
          },
          body: JSON.stringify(body),
        });
        expect(res.status, `${path} attempt ${attempt}`).toBe(409);
        expect((await res.json<ErrorAnswer>()).error.code).toBe("CONFLICT");
      }
    }
    expect(
      await count(
        "SELECT count(*) AS n FROM idempotency_keys k JOIN api_keys a ON a.id = k.api_key_id WHERE a.tenant_id = $1",
        [t.tenantId],
      ),
    ).toBe(0);
    expect(await served()).toBe(before);
    expect(await count("SELECT count(*) AS n FROM contacts WHERE tenant_id = $1", [t.tenantId])).toBe(3);
  });
});

describe("POST /api/public/contact validates what it stores", () => {
  it("stores a formatted email and an E.164 phone, or a national number as sent", async () => {
    const t = await seedTenant();
    const res = await postJson("/api/public/contact", t.apiKey, {
      name: "Grace",
      email: " mailto:Grace@EXAMPLE.com ",
      phone: "0034 600 000 003",
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ email: "Grace@example.com", phone: "+34600000003" });
    const national = await postJson("/api/public/contact", t.apiKey, { name: "N", phone: " 600 000 004 " });
    expect(await national.json()).toMatchObject({ phone: "600 000 004" });
  });

  it("refuses what is not an email or a phone number", async () => {
    const t = await seedTenant();
    for (const body of [
      { email: "grace" },
      { email: "a@b@c" },
      { phone: "ask reception" },
      { phone: "+34 12" },
    ]) {
      const res = await postJson("/api/public/contact", t.apiKey, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await count("SELECT count(*) AS n FROM contacts WHERE tenant_id = $1", [t.tenantId])).toBe(1);
  });

  it("answers 409 for a second contact with an existing email or phone, pointing at the upsert route", async () => {
    const t = await seedTenant();
    const first = await (
      await postJson("/api/public/contact", t.apiKey, { email: "g@example.com", phone: "+34600000005" })
    ).json<{ id: string }>();
    for (const body of [
      { email: " G@EXAMPLE.COM", metadata: { plan: "x" } },
      { name: "other", phone: "+34 600 000 005", metadata: { plan: "x" } },
    ]) {
      const res = await postJson("/api/public/contact", t.apiKey, body);
      expect(res.status).toBe(409);
      const { error } = await res.json<ErrorAnswer>();
      expect(error.code).toBe("CONFLICT");
      expect(error.message).toContain("POST /api/public/contacts/upsert");
      expect(error.details).toMatchObject({ ai_contact_id: first.id });
    }
    expect(await count("SELECT count(*) AS n FROM contacts WHERE tenant_id = $1", [t.tenantId])).toBe(2);
    expect(await fieldMap(first.id)).toEqual({});
    expect(await ledger(t.tenantId)).toEqual([]);
  });
});

interface BulkAnswer {
  results: {
    index: number;
    ai_contact_id: string | null;
    status: number;
    created?: boolean;
    fields?: { key: string; value: string | null }[];
    error?: { code: string; message: string };
  }[];
}

describe("bulk items by email or phone", () => {
  it("finds or creates each item's contact, with the upsert rules per item, in one request", async () => {
    const t = await seedTenant();
    const known = (
      await (await upsert(t.apiKey, { email: "known@example.com", metadata: {} })).json<UpsertAnswer>()
    ).id;
    const byPhone = (
      await (await upsert(t.apiKey, { phone: "+34600000006", metadata: {} })).json<UpsertAnswer>()
    ).id;
    await upsert(t.apiKey, { email: "one@example.com", metadata: {} });
    await upsert(t.apiKey, { phone: "+34600000008", metadata: {} });
    const res = await bulk(t.apiKey, {
      items: [
        { email: "KNOWN@example.com", metadata: { plan: "Pro" } },
        { email: "new@example.com", name: "New", metadata: { plan: "Team" } },
        { phone: "0034 600 000 006", metadata: { plan: "Free" } },
        { email: "one@example.com", phone: "+34600000008", metadata: { plan: "x" } },
        { email: "not an email", metadata: { plan: "x" } },
        { email: "new@EXAMPLE.com", metadata: { plan: "x" } },
        { aiContactId: t.contactId, metadata: { plan: "Id" } },
        { phone: "+34 600 000 007", metadata: { "!!!": "x" } },
      ],
    });
    expect(res.status).toBe(200);
    const { results } = await res.json<BulkAnswer>();
    expect(results.map((r) => [r.index, r.status, r.error?.code ?? null])).toEqual([
      [0, 200, null],
      [1, 201, null],
      [2, 200, null],
      [3, 409, "CONFLICT"],
      [4, 400, "BAD_REQUEST"],
      [5, 400, "BAD_REQUEST"],
      [6, 200, null],
      [7, 400, "BAD_REQUEST"],
    ]);
    expect(results[0]).toMatchObject({ ai_contact_id: known, created: false });
    expect(results[2]).toMatchObject({ ai_contact_id: byPhone, created: false });
    expect(results[3]?.ai_contact_id).toBeNull();
    expect(results[6]).toMatchObject({ ai_contact_id: t.contactId });
    expect(results[6]).not.toHaveProperty("created");
    const created = results[1]?.ai_contact_id as string;
    expect(await fieldMap(known)).toEqual({ plan: "Pro" });
    expect(await fieldMap(created)).toEqual({ plan: "Team" });
    expect(await fieldMap(byPhone)).toEqual({ plan: "Free" });
    expect(await fieldMap(t.contactId)).toEqual({ plan: "Id" });
    // Items 3, 4, 5 and 7 created nothing.
    expect((await contactsOf(t.tenantId)).map((c) => c.email ?? c.phone ?? c.name)).toEqual([
      "Ada",
      "known@example.com",
      "+34600000006",
      "one@example.com",
      "+34600000008",
      "new@example.com",
    ]);
  });

  it("refuses an item that names its contact both by id and by email, or by neither", async () => {
    const t = await seedTenant();
    for (const item of [
      { aiContactId: t.contactId, email: "x@example.com", metadata: {} },
      { metadata: {} },
    ]) {
      const res = await bulk(t.apiKey, { items: [item] });
      expect(res.status).toBe(400);
    }
  });
});
