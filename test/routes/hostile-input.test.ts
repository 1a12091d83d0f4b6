// Issue 12: what a careless client or an attacker sends, through the routes as a user sees them.
import { describe, expect, it } from "vitest";
import { generateToken } from "../../src/core/auth/api-key";
import { MAX_FORM_FIELDS } from "../../src/http/read-body";
import {
  activityRows,
  call,
  fieldMap,
  ledger,
  putField,
  query,
  seedContact,
  seedTenant,
  updateMetadata,
} from "../harness";

const madeUpKey = (kind: "cmk" | "whk" = "cmk") => generateToken(kind, crypto.randomUUID()).key;

/** 80,000 pairs of one name: 320 kB, well under the 1 MiB body limit. */
const REPEATED_PAIRS = "a=1&".repeat(80_000);

async function expectTooManyFields(res: Response) {
  expect(res.status).toBe(413);
  const body = await res.json<{ error: { code: string; details?: unknown } }>();
  expect(body.error.code).toBe("PAYLOAD_TOO_LARGE");
  expect(body.error.details).toEqual({ max_fields: MAX_FORM_FIELDS });
}

/** `count` multipart text parts named `a` (about 80 bytes each). */
function manyParts(count: number): FormData {
  const form = new FormData();
  for (let i = 0; i < count; i++) {
    form.append("a", "1");
  }
  return form;
}

describe("form bodies with repeated names (issue 12.2)", () => {
  it("80,000 repeated pairs with a made-up API key: 413 before any credential check", async () => {
    const t = await seedTenant();
    const res = await call(`/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": madeUpKey(), "content-type": "application/x-www-form-urlencoded" },
      body: REPEATED_PAIRS,
    });
    await expectTooManyFields(res);
  });

  it("80,000 repeated pairs to a made-up webhook token: 413", async () => {
    const res = await call(`/api/webhooks/${madeUpKey("whk")}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: REPEATED_PAIRS,
    });
    await expectTooManyFields(res);
  });

  it("multipart: 11,000 parts (under 1 MiB) are a 413 too, for a real key, writing nothing", async () => {
    const t = await seedTenant();
    const res = await call(`/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey },
      body: manyParts(11_000),
    });
    await expectTooManyFields(res);
    expect(await fieldMap(t.contactId)).toEqual({});
    const webhook = await call(`/api/webhooks/${madeUpKey("whk")}`, {
      method: "POST",
      body: manyParts(11_000),
    });
    await expectTooManyFields(webhook);
  });

  it("exactly 10,000 fields are still a form", async () => {
    const t = await seedTenant();
    const res = await call(`/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/x-www-form-urlencoded" },
      body: `${"a=1&".repeat(MAX_FORM_FIELDS - 1)}b=2`,
    });
    expect(res.status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({
      a: Array(MAX_FORM_FIELDS - 1)
        .fill("1")
        .join(", "),
      b: "2",
    });
  });
});

describe("contact ids are case-insensitive (issue 12.3)", () => {
  it("an upper-case id is written and answered 200 with the lower-case id, its definition recorded", async () => {
    const t = await seedTenant();
    const upper = t.contactId.toUpperCase();
    const res = await call(`/api/public/contact/${upper}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ shouted_id: "yes" }),
    });
    expect(res.status).toBe(200);
    const fields = await res.json<{ ai_contact_id: string; key: string }[]>();
    expect(fields.map((f) => [f.ai_contact_id, f.key])).toEqual([[t.contactId, "shouted_id"]]);
    expect(await fieldMap(t.contactId)).toEqual({ shouted_id: "yes" });
    expect(await activityRows(t.contactId)).toHaveLength(1);
    expect((await ledger(t.tenantId)).map((d) => d.key)).toEqual(["shouted_id"]);

    const info = await call(`/api/public/contact/${upper}/info`, { headers: { "x-api-key": t.apiKey } });
    expect(info.status).toBe(200);
    expect((await info.json<{ id: string }>()).id).toBe(t.contactId);
  });

  it("bulk: the same id in two cases refuses the later item (400), writes the first, never a 500", async () => {
    const t = await seedTenant();
    const other = await seedContact(t.tenantId);
    const res = await call("/api/public/contacts/update-metadata", {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: JSON.stringify({
        items: [
          { aiContactId: t.contactId, metadata: { first: "1" } },
          { aiContactId: other, metadata: { other: "2" } },
          { aiContactId: t.contactId.toUpperCase(), metadata: { first: "3", later: "4" } },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const { results } = await res.json<{
      results: { index: number; ai_contact_id: string; status: number; error?: { code: string } }[];
    }>();
    expect(results.map((r) => [r.index, r.ai_contact_id, r.status, r.error?.code])).toEqual([
      [0, t.contactId, 200, undefined],
      [1, other, 200, undefined],
      [2, t.contactId, 400, "BAD_REQUEST"],
    ]);
    expect(await fieldMap(t.contactId)).toEqual({ first: "1" });
    expect(await fieldMap(other)).toEqual({ other: "2" });
    expect(await activityRows(t.contactId)).toHaveLength(1);
  });
});

describe("create contact takes a JSON object only (issue 12.9)", () => {
  it.each(["96707", "[]", '"Ada"', "null", "true", '[{"name":"Ada"}]'])(
    "a bare %s is a 400 and creates nothing",
    async (body) => {
      const t = await seedTenant();
      const before = await query("SELECT id FROM contacts WHERE tenant_id = $1 ORDER BY id", [t.tenantId]);
      const res = await call("/api/public/contact", {
        method: "POST",
        headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
        body,
      });
      expect(res.status).toBe(400);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBe("BAD_REQUEST");
      expect(await query("SELECT id FROM contacts WHERE tenant_id = $1 ORDER BY id", [t.tenantId])).toEqual(
        before,
      );
    },
  );
});

describe("look-alike keys (issue 12.10)", () => {
  it("a Cyrillic сompany_name beside company_name becomes a new field with a warning naming company_name", async () => {
    const t = await seedTenant();
    expect((await putField(t, "company_name", { label: "Company" })).status).toBe(201);
    const cyrillic = "\u0441ompany_name"; // Cyrillic es, then Latin
    const res = await updateMetadata(t, { [cyrillic]: "Evil Corp" });
    expect(res.status).toBe(200);
    const [field] = await res.json<{ key: string; matched_by: string; warning?: string }[]>();
    expect(field).toMatchObject({ key: cyrillic, matched_by: "new" });
    expect(field?.warning).toContain('"company_name"');
  });

  it("fullwidth letters are the same key (NFKC): ｃｏｍｐａｎｙ＿ｎａｍｅ lands in company_name", async () => {
    const t = await seedTenant();
    expect((await putField(t, "company_name", { label: "Company" })).status).toBe(201);
    const res = await updateMetadata(t, { ｃｏｍｐａｎｙ＿ｎａｍｅ: "Acme" });
    expect(res.status).toBe(200);
    const [field] = await res.json<{ key: string; matched_by: string; warning?: string }[]>();
    expect(field).toMatchObject({ key: "company_name", matched_by: "exact" });
    expect(field?.warning).toBeUndefined();
    expect(await fieldMap(t.contactId)).toEqual({ company_name: "Acme" });
  });
});
