import { describe, expect, it } from "vitest";
import { createWebhook, revokeWebhook } from "../../scripts/lib/webhooks";
import { activityRows, call, fieldMap, query, seedContact, seedTenant, type TenantFixture } from "../harness";
import { base64, hex, hmacSha256 } from "../signing";

const FIXTURES = import.meta.glob<string>("../fixtures/webhooks/*.json", {
  query: "?raw",
  import: "default",
  eager: true,
});

/** The contact id each fixture carries (a hidden field or body field), replaced by the test's contact. */
const FIXTURE_CONTACT: Record<string, string> = {
  "typeform-form-response": "3f1c2b9e-8d4a-4c1e-9b7f-2a6d5e8c1f00",
  "tally-form-response": "7d0e5c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6",
  "google-forms-response": "5a9d3c1e-7b2f-4e8a-9c6d-1f0e2b3a4c5d",
  "jotform-submission": "0b6f1d2e-3c4a-4b5d-8e6f-7a8b9c0d1e2f",
  "make-form-encoded": "4b3a2f1e-0d9c-4b8a-9f7e-6d5c4b3a2f1e",
  "unknown-shape": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
  "webflow-form-submission": "c2a7e0f4-5b1d-4e3a-9f6c-8d2b1a0e7f35",
  "zapier-flat": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
};

function fixture(name: string, contactId?: string, replace: Record<string, string> = {}): string {
  let text = FIXTURES[`../fixtures/webhooks/${name}.json`];
  if (text === undefined) {
    throw new Error(`no fixture ${name}`);
  }
  const placeholder = FIXTURE_CONTACT[name];
  if (contactId && placeholder) {
    text = text.replaceAll(placeholder, contactId);
  }
  for (const [from, to] of Object.entries(replace)) {
    text = text.replaceAll(from, to);
  }
  return text;
}

interface Answer {
  ai_contact_id: string;
  source: string;
  event_id: string | null;
  fields: { key: string; value: string | null; source_key: string }[];
}

async function webhookFor(t: TenantFixture, signingSecret?: string): Promise<string> {
  return (await createWebhook(query, t.tenantId, signingSecret)).path;
}

const postJsonTo = (path: string, body: string, headers: Record<string, string> = {}) =>
  call(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

/** A body built from a fixture of form fields (Jotform, Make), sent as the builder does. */
function formBody(text: string): { body: BodyInit; contentType?: string } {
  const spec = JSON.parse(text) as { contentType: string; fields: Record<string, string | string[]> };
  if (spec.contentType === "multipart/form-data") {
    const form = new FormData();
    for (const [name, value] of Object.entries(spec.fields)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        form.append(name, v);
      }
    }
    return { body: form };
  }
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(spec.fields)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      params.append(name, v);
    }
  }
  return { body: params.toString(), contentType: "application/x-www-form-urlencoded" };
}

async function hmac(secret: string, data: string, encoding: "base64" | "hex"): Promise<string> {
  const bytes = await hmacSha256(secret, data);
  return encoding === "hex" ? hex(bytes) : base64(bytes);
}

describe("webhooks: payloads as each builder sends them", () => {
  it.each([
    "typeform-form-response",
    "tally-form-response",
    "google-forms-response",
    "webflow-form-submission",
    "zapier-flat",
    "unknown-shape",
  ])("%s lands on the contact it names", async (name) => {
    const t = await seedTenant();
    const path = await webhookFor(t);
    const res = await postJsonTo(path, fixture(name, t.contactId));
    expect(res.status, await res.clone().text()).toBe(200);
    const answer = await res.json<Answer>();
    expect(answer.ai_contact_id).toBe(t.contactId);
    expect(answer.fields.length).toBeGreaterThan(0);
    const stored = await fieldMap(t.contactId);
    for (const field of answer.fields) {
      expect(stored[field.key]).toBe(field.value ?? undefined);
    }
    expect(await activityRows(t.contactId)).toHaveLength(1);
  });

  it.each(["jotform-submission", "make-form-encoded"])(
    "%s (form-encoded) lands on its contact",
    async (name) => {
      const t = await seedTenant();
      const path = await webhookFor(t);
      const { body, contentType } = formBody(fixture(name, t.contactId));
      const res = await call(path, {
        method: "POST",
        headers: contentType ? { "content-type": contentType } : {},
        body,
      });
      expect(res.status, await res.clone().text()).toBe(200);
      expect((await res.json<Answer>()).fields.length).toBeGreaterThan(0);
      expect(Object.keys(await fieldMap(t.contactId)).length).toBeGreaterThan(0);
    },
  );

  it("turns Typeform answers into question -> answer fields, choices as labels", async () => {
    const t = await seedTenant();
    const res = await postJsonTo(await webhookFor(t), fixture("typeform-form-response", t.contactId));
    const answer = await res.json<Answer>();
    expect(answer.source).toBe("typeform");
    expect(answer.event_id).toBeTruthy();
    expect(answer.fields.some((f) => f.source_key === "What is your first name?")).toBe(true);
  });
});

describe("webhooks: which contact", () => {
  it("uses ?ai_contact_id= on the URL", async () => {
    const t = await seedTenant();
    const res = await postJsonTo(`${await webhookFor(t)}?ai_contact_id=${t.contactId}`, '{"plan": "pro"}');
    expect(res.status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({ plan: "pro" });
  });

  it("finds the contact by email, else by phone (any formatting), and 404s naming what it looked for", async () => {
    const t = await seedTenant();
    const byEmail = await seedContact(t.tenantId, "Mail");
    await query("UPDATE contacts SET email = 'Grace@Example.com', phone = '+34 600 11 22 33' WHERE id = $1", [
      byEmail,
    ]);
    const path = await webhookFor(t);
    expect((await postJsonTo(path, '{"email": " grace@example.COM ", "plan": "a"}')).status).toBe(200);
    expect((await postJsonTo(path, '{"phone": "+34600112233", "size": "b"}')).status).toBe(200);
    expect(await fieldMap(byEmail)).toMatchObject({ plan: "a", size: "b" });

    const missing = await postJsonTo(path, '{"email": "nobody@example.com", "plan": "c"}');
    expect(missing.status).toBe(404);
    expect((await missing.json<{ error: { message: string } }>()).error.message).toContain(
      "nobody@example.com",
    );
    const none = await postJsonTo(path, '{"plan": "c"}');
    expect(none.status).toBe(404);
    expect(await fieldMap(t.contactId)).toEqual({});
  });

  it("never reaches another tenant's contact", async () => {
    const owner = await seedTenant("owner");
    const intruder = await seedTenant("intruder");
    const res = await postJsonTo(
      `${await webhookFor(intruder)}?ai_contact_id=${owner.contactId}`,
      '{"plan": "x"}',
    );
    expect(res.status).toBe(404);
    expect(await fieldMap(owner.contactId)).toEqual({});
  });
});

describe("webhooks: auth, signatures and retries", () => {
  it("refuses unknown, malformed and revoked URLs, and API keys and URL tokens are not interchangeable", async () => {
    const t = await seedTenant();
    const path = await webhookFor(t);
    const token = path.split("/").pop() ?? "";
    expect((await postJsonTo("/api/webhooks/nope", '{"a": "1"}')).status).toBe(401);
    expect(
      (await postJsonTo(`/api/webhooks/${t.apiKey}`, `{"ai_contact_id": "${t.contactId}"}`)).status,
    ).toBe(401);
    const asApiKey = await call(`/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": token, "content-type": "application/json" },
      body: '{"a": "1"}',
    });
    expect(asApiKey.status).toBe(401);
    await revokeWebhook(query, token);
    expect((await postJsonTo(path, `{"ai_contact_id": "${t.contactId}", "a": "1"}`)).status).toBe(401);
    expect(await fieldMap(t.contactId)).toEqual({});
  });

  it("requires a valid Typeform signature when the webhook has a signing secret", async () => {
    const t = await seedTenant();
    const path = await webhookFor(t, "typeform-secret");
    const body = fixture("typeform-form-response", t.contactId);
    const good = `sha256=${await hmac("typeform-secret", body, "base64")}`;
    const bad = `sha256=${await hmac("wrong-secret", body, "base64")}`;
    expect((await postJsonTo(path, body)).status).toBe(401);
    expect((await postJsonTo(path, body, { "typeform-signature": bad })).status).toBe(401);
    expect((await postJsonTo(path, `${body} `, { "typeform-signature": good })).status).toBe(401);
    expect(await fieldMap(t.contactId)).toEqual({});
    expect((await postJsonTo(path, body, { "typeform-signature": good })).status).toBe(200);
  });

  it("checks Tally and generic X-Signature signatures too", async () => {
    const t = await seedTenant();
    const path = await webhookFor(t, "s3cret");
    const tally = fixture("tally-form-response", t.contactId);
    expect(
      (await postJsonTo(path, tally, { "tally-signature": await hmac("s3cret", tally, "base64") })).status,
    ).toBe(200);
    const zap = fixture("zapier-flat", t.contactId);
    expect(
      (await postJsonTo(path, zap, { "x-signature": `sha256=${await hmac("s3cret", zap, "hex")}` })).status,
    ).toBe(200);
    expect((await postJsonTo(path, zap, { "x-signature": "sha256=00" })).status).toBe(401);
  });

  it("answers a retried submission with the first answer and writes nothing more", async () => {
    const t = await seedTenant();
    const path = await webhookFor(t);
    const body = fixture("typeform-form-response", t.contactId);
    const first = await postJsonTo(path, body);
    const firstAnswer = await first.json<Answer>();
    const retried = await Promise.all([postJsonTo(path, body), postJsonTo(path, body)]);
    for (const res of retried) {
      expect(res.status).toBe(200);
      expect(res.headers.get("x-webhook-replay")).toBe("true");
    }
    expect(await retried[0]?.json<Answer>()).toEqual(firstAnswer);
    expect(await activityRows(t.contactId)).toHaveLength(1);
  });
});

/** `length` characters of incompressible text (base64 of random bytes). */
const randomText = (length: number) =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(Math.ceil((length * 3) / 4))))).slice(
    0,
    length,
  );

describe("webhooks: delivery ids of any length (issue 12.6)", () => {
  it.each([
    ["in the body (idempotency_key)", "body"],
    ["in an Idempotency-Key header", "header"],
  ])("a 4,000-character id %s is applied once, and a retry of it replays", async (_, where) => {
    const t = await seedTenant();
    const path = await webhookFor(t);
    const id = randomText(4_000);
    const body = JSON.stringify({
      ai_contact_id: t.contactId,
      plan: "pro",
      ...(where === "body" ? { idempotency_key: id } : {}),
    });
    const headers: Record<string, string> = where === "header" ? { "idempotency-key": id } : {};
    const first = await postJsonTo(path, body, headers);
    expect(first.status, await first.clone().text()).toBe(200);
    const retry = await postJsonTo(path, body, headers);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("x-webhook-replay")).toBe("true");
    expect(await retry.json()).toEqual(await first.json());
    expect(await activityRows(t.contactId)).toHaveLength(1);
    // Stored as its hash, so the index never sees the 4,000 characters.
    const stored = await query<{ event_id: string }>(
      "SELECT d.event_id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.tenant_id = $1",
      [t.tenantId],
    );
    expect(stored.map((r) => r.event_id)).toEqual([expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]);
  });
});

describe("webhooks: delivery ids named like an object's own members", () => {
  // Found by the property tests: the earlier answers were looked up in a plain object, where
  // "constructor" found Object's constructor, and the "replay" of it was a 500.
  it.each(["constructor", "__proto__", "toString", "hasOwnProperty"])(
    "%s is a delivery id like any other: applied once, then replayed",
    async (id) => {
      const t = await seedTenant();
      const path = await webhookFor(t);
      const body = JSON.stringify({ ai_contact_id: t.contactId, plan: "pro" });
      const first = await postJsonTo(path, body, { "idempotency-key": id });
      expect(first.status, await first.clone().text()).toBe(200);
      expect(first.headers.get("x-webhook-replay")).toBeNull();
      const retry = await postJsonTo(path, body, { "idempotency-key": id });
      expect(retry.status).toBe(200);
      expect(retry.headers.get("x-webhook-replay")).toBe("true");
      expect(await activityRows(t.contactId)).toHaveLength(1);
    },
  );
});

describe("webhooks: with a signing secret, only the signed bytes choose (issue 12.7)", () => {
  const sign = async (body: string) => ({ "x-signature": `sha256=${await hmac("s3cret", body, "hex")}` });

  it("a valid signature with another contact in the query writes to the body's contact", async () => {
    const t = await seedTenant();
    const victim = await seedContact(t.tenantId, "Victim");
    const path = await webhookFor(t, "s3cret");
    const body = JSON.stringify({ ai_contact_id: t.contactId, plan: "signed" });
    const res = await postJsonTo(`${path}?ai_contact_id=${victim}`, body, await sign(body));
    expect(res.status).toBe(200);
    expect((await res.json<Answer>()).ai_contact_id).toBe(t.contactId);
    expect(await fieldMap(t.contactId)).toEqual({ plan: "signed" });
    expect(await fieldMap(victim)).toEqual({});
  });

  it("a signed body naming no contact is a 404, whatever the query says", async () => {
    const t = await seedTenant();
    const path = await webhookFor(t, "s3cret");
    const body = JSON.stringify({ plan: "nobody" });
    const res = await postJsonTo(`${path}?ai_contact_id=${t.contactId}`, body, await sign(body));
    expect(res.status).toBe(404);
    expect(await fieldMap(t.contactId)).toEqual({});
  });

  it("a signed replay with a new Idempotency-Key header is still a replay", async () => {
    const t = await seedTenant();
    const path = await webhookFor(t, "s3cret");
    const body = fixture("tally-form-response", t.contactId);
    const first = await postJsonTo(path, body, { ...(await sign(body)), "idempotency-key": "first" });
    expect(first.status).toBe(200);
    const again = await postJsonTo(path, body, { ...(await sign(body)), "idempotency-key": "a-new-one" });
    expect(again.status).toBe(200);
    expect(again.headers.get("x-webhook-replay")).toBe("true");
    expect(await activityRows(t.contactId)).toHaveLength(1);
  });

  it("unsigned webhooks still honour ?ai_contact_id= and Idempotency-Key", async () => {
    const t = await seedTenant();
    const path = `${await webhookFor(t)}?ai_contact_id=${t.contactId}`;
    const first = await postJsonTo(path, '{"plan": "a"}', { "idempotency-key": "k1" });
    const again = await postJsonTo(path, '{"plan": "b"}', { "idempotency-key": "k1" });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.headers.get("x-webhook-replay")).toBe("true");
    expect(await fieldMap(t.contactId)).toEqual({ plan: "a" });
  });
});
