import { describe, expect, it } from "vitest";
import { call, fieldMap, seedTenant } from "../harness";

describe("form bodies", () => {
  it("reads application/x-www-form-urlencoded, joining a repeated name", async () => {
    const t = await seedTenant();
    const res = await call(`/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/x-www-form-urlencoded" },
      body: "Company+Name=Acme+%26+Co&interest=a&interest=b&score=95",
    });
    expect(res.status).toBe(200);
    const body = await res.json<{ key: string; source_key: string; value: string }[]>();
    expect(body.map((f) => [f.key, f.source_key, f.value])).toEqual([
      ["company_name", "Company Name", "Acme & Co"],
      ["interest", "interest", "a, b"],
      ["score", "score", "95"],
    ]);
    expect(await fieldMap(t.contactId)).toEqual({ company_name: "Acme & Co", interest: "a, b", score: "95" });
  });

  it("reads multipart/form-data text parts, joining a repeated name", async () => {
    const t = await seedTenant();
    const form = new FormData();
    form.append("leadSource", "webinar");
    form.append("topics", "pricing");
    form.append("topics", "security");
    const res = await call(`/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey },
      body: form,
    });
    expect(res.status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({ lead_source: "webinar", topics: "pricing, security" });
  });

  it("reads a JSON body sent without any Content-Type", async () => {
    const t = await seedTenant();
    const res = await call(`/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey },
      body: new TextEncoder().encode('{"plan": "pro"}'),
    });
    expect(res.status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({ plan: "pro" });
  });

  it("accepts application/json with a charset and +json types", async () => {
    const t = await seedTenant();
    for (const type of ["application/json; charset=utf-8", "application/vnd.api+json"]) {
      const res = await call(`/api/public/contact/${t.contactId}/update-metadata`, {
        method: "POST",
        headers: { "x-api-key": t.apiKey, "content-type": type },
        body: JSON.stringify({ [type.length > 30 ? "a" : "b"]: "1" }),
      });
      expect(res.status).toBe(200);
    }
    expect(await fieldMap(t.contactId)).toEqual({ a: "1", b: "1" });
  });
});

describe("JSON sent with curl's default form content type", () => {
  it("reads a urlencoded body that is a JSON object as JSON", async () => {
    const t = await seedTenant();
    const res = await call(`/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/x-www-form-urlencoded" },
      body: '{"companyName": "Acme", "seats": 12345678901234567890}',
    });
    expect(res.status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({ company_name: "Acme", seats: "12345678901234567890" });
  });

  it("answers 400 for a form body that starts like JSON but is not", async () => {
    const t = await seedTenant();
    const res = await call(`/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/x-www-form-urlencoded" },
      body: '{"companyName": ',
    });
    expect(res.status).toBe(400);
    expect(await fieldMap(t.contactId)).toEqual({});
  });
});
