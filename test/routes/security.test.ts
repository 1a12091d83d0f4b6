import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { revokeApiKey } from "../../scripts/lib/tenants";
import { createWebhook, revokeWebhook } from "../../scripts/lib/webhooks";
import { sha256Hex } from "../../src/core/auth/api-key";
import {
  answer,
  call,
  fieldMap,
  ledger,
  llmCalls,
  putField,
  query,
  scriptLlm,
  seedTenant,
  type TenantFixture,
  tamperedKey,
  updateMetadata,
} from "../harness";

interface Owner extends TenantFixture {
  /** The owner's own webhook URL token, to forge from. */
  webhookToken: string;
}

interface Attempt {
  route: string;
  /** What the route takes as its credential. */
  credential: "api_key" | "webhook";
  send: (owner: Owner, credential: string | undefined) => Promise<Response>;
}

const headers = (key: string | undefined): Record<string, string> => ({
  "content-type": "application/json",
  ...(key ? { "x-api-key": key } : {}),
});

/** Every route, aimed at the owner's contact or definitions, with someone else's credentials. */
const ATTEMPTS: Attempt[] = [
  {
    route: "POST update-metadata",
    credential: "api_key",
    send: (o, key) =>
      call(`/api/public/contact/${o.contactId}/update-metadata`, {
        method: "POST",
        headers: headers(key),
        body: JSON.stringify({ secret_field: "hijacked", intruder: "x" }),
      }),
  },
  {
    route: "POST bulk update-metadata",
    credential: "api_key",
    send: (o, key) =>
      call("/api/public/contacts/update-metadata", {
        method: "POST",
        headers: headers(key),
        body: JSON.stringify({
          items: [{ aiContactId: o.contactId, metadata: { secret_field: "hijacked", intruder: "x" } }],
        }),
      }),
  },
  {
    route: "GET info",
    credential: "api_key",
    send: (o, key) => call(`/api/public/contact/${o.contactId}/info`, { headers: headers(key) }),
  },
  {
    route: "PUT custom field",
    credential: "api_key",
    send: (_, key) =>
      call("/api/public/custom-fields/secret_field", {
        method: "PUT",
        headers: headers(key),
        body: JSON.stringify({ label: "hijacked" }),
      }),
  },
  {
    route: "DELETE custom field",
    credential: "api_key",
    send: (_, key) =>
      call("/api/public/custom-fields/secret_field", { method: "DELETE", headers: headers(key) }),
  },
  {
    route: "DELETE alias",
    credential: "api_key",
    send: (_, key) =>
      call("/api/public/custom-fields/secret_field/aliases/hidden", {
        method: "DELETE",
        headers: headers(key),
      }),
  },
  {
    route: "GET custom fields",
    credential: "api_key",
    send: (_, key) => call("/api/public/custom-fields", { headers: headers(key) }),
  },
  {
    route: "POST contact",
    credential: "api_key",
    send: (_, key) =>
      call("/api/public/contact", {
        method: "POST",
        headers: headers(key),
        body: JSON.stringify({ name: "x" }),
      }),
  },
  {
    route: "POST webhook",
    credential: "webhook",
    send: (o, token) =>
      call(`/api/webhooks/${token ?? ""}?ai_contact_id=${o.contactId}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          ai_contact_id: o.contactId,
          secret_field: "hijacked",
          email: OWNER_EMAIL,
        }),
      }),
  },
  {
    route: "GET activity",
    credential: "api_key",
    send: (o, key) => call(`/api/public/contact/${o.contactId}/activity`, { headers: headers(key) }),
  },
  {
    route: "POST search",
    credential: "api_key",
    send: (_, key) =>
      call("/api/public/contacts/search", {
        method: "POST",
        headers: headers(key),
        body: JSON.stringify({ filters: [{ key: "secret_field", op: "exists" }] }),
      }),
  },
  {
    route: "POST upsert",
    credential: "api_key",
    send: (_, key) =>
      call("/api/public/contacts/upsert", {
        method: "POST",
        headers: headers(key),
        body: JSON.stringify({ email: OWNER_EMAIL, metadata: { secret_field: "hijacked" } }),
      }),
  },
  {
    route: "GET usage",
    credential: "api_key",
    send: (_, key) => call("/api/public/usage", { headers: headers(key) }),
  },
  {
    route: "POST webhook endpoint",
    credential: "api_key",
    send: (_, key) =>
      call("/api/public/webhook-endpoints", {
        method: "POST",
        headers: headers(key),
        body: JSON.stringify({ url: "https://hooks.example.com/intruder" }),
      }),
  },
  {
    route: "GET webhook endpoints",
    credential: "api_key",
    send: (_, key) => call("/api/public/webhook-endpoints", { headers: headers(key) }),
  },
  {
    route: "POST bulk by email",
    credential: "api_key",
    send: (_, key) =>
      call("/api/public/contacts/update-metadata", {
        method: "POST",
        headers: headers(key),
        body: JSON.stringify({ items: [{ email: OWNER_EMAIL, metadata: { secret_field: "hijacked" } }] }),
      }),
  },
];

/** The owner's contact has this email: upserts by it from another tenant must not find it. */
const OWNER_EMAIL = "owner@example.com";

async function ownerWithData(): Promise<Owner> {
  const owner = await seedTenant("owner");
  await query("UPDATE contacts SET email = $1 WHERE id = $2", [OWNER_EMAIL, owner.contactId]);
  expect((await putField(owner, "secret_field", { label: "Secret", aliases: ["hidden"] })).status).toBe(201);
  expect((await updateMetadata(owner, { secret_field: "owner value" })).status).toBe(200);
  expect(
    (
      await call("/api/public/webhook-endpoints", {
        method: "POST",
        headers: headers(owner.apiKey),
        body: JSON.stringify({ url: "https://hooks.example.com/owner-secret-endpoint" }),
      })
    ).status,
  ).toBe(201);
  return { ...owner, webhookToken: (await createWebhook(query, owner.tenantId)).token };
}

async function ownerSnapshot(owner: TenantFixture) {
  return {
    fields: await fieldMap(owner.contactId),
    contacts: await query("SELECT id, name, email, phone FROM contacts WHERE tenant_id = $1 ORDER BY id", [
      owner.tenantId,
    ]),
    activities: await query("SELECT count(*) AS n FROM contact_activities WHERE tenant_id = $1", [
      owner.tenantId,
    ]),
    definitions: await ledger(owner.tenantId),
    version: await query("SELECT definitions_version FROM tenants WHERE id = $1", [owner.tenantId]),
    kv: await env.FIELDS_KV.get(`definitions:v2:${owner.tenantId}`),
    usage: await query("SELECT count(*) AS n FROM usage_events WHERE tenant_id = $1", [owner.tenantId]),
    endpoints: await query(
      "SELECT id, url, deleted_at FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY id",
      [owner.tenantId],
    ),
  };
}

/** A tenant whose API key and webhook token have each been USED (so this isolate has them confirmed), then revoked. */
async function revokedAfterUse(): Promise<{ apiKey: string; webhookToken: string }> {
  const t = await seedTenant("revoked");
  const webhook = await createWebhook(query, t.tenantId);
  expect((await updateMetadata(t, { used: "before revocation" })).status).toBe(200);
  const used = await call(`${webhook.path}?ai_contact_id=${t.contactId}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"used": "by the webhook"}',
  });
  expect(used.status).toBe(200);
  await revokeApiKey(query, t.apiKey);
  await revokeWebhook(query, webhook.token);
  return { apiKey: t.apiKey, webhookToken: webhook.token };
}

describe("tenant isolation matrix", () => {
  it.each(ATTEMPTS)(
    "$route with another tenant's credential sees and changes nothing of the owner",
    async ({ route, credential, send }) => {
      const owner = await ownerWithData();
      const intruder = await seedTenant("intruder");
      const intruderWebhook = (await createWebhook(query, intruder.tenantId)).token;
      const before = await ownerSnapshot(owner);
      const res = await send(owner, credential === "webhook" ? intruderWebhook : intruder.apiKey);
      const expected: Record<string, number[]> = {
        "POST update-metadata": [404],
        "GET info": [404],
        "DELETE custom field": [404],
        "DELETE alias": [404],
        // Neither the owner's contact id nor its email exists for the intruder's webhook.
        "POST webhook": [404],
        // These act on the intruder's own tenant, never the owner's.
        "POST bulk update-metadata": [200],
        "PUT custom field": [201],
        "GET custom fields": [200],
        "POST contact": [201],
        "GET activity": [404],
        "POST search": [200],
        // An upsert by the owner's email creates the intruder's own contact.
        "POST upsert": [201],
        "POST bulk by email": [200],
        // The intruder's own usage and endpoints, never the owner's.
        "GET usage": [200],
        "POST webhook endpoint": [201],
        "GET webhook endpoints": [200],
      };
      expect(expected[route]).toContain(res.status);
      const text = await res.text();
      if (route === "POST bulk update-metadata") {
        expect(JSON.parse(text).results.map((r: { status: number }) => r.status)).toEqual([404]);
      }
      expect(text).not.toContain("owner value");
      expect(text).not.toContain("owner-secret-endpoint");
      expect(text).not.toContain(owner.tenantId);
      if (route !== "DELETE alias") {
        // (That route's 404 names the alias it was asked about, as it does for any absent alias.)
        expect(text).not.toContain("hidden");
      }
      if (["POST search", "POST upsert", "POST bulk by email"].includes(route)) {
        // Found by nothing but its tenant's data: never the owner's contact (404s repeat the id asked for).
        expect(text).not.toContain(owner.contactId);
      }
      expect(await ownerSnapshot(owner)).toEqual(before);
    },
  );

  it.each(ATTEMPTS)(
    "$route refuses a missing, forged or revoked (after use) credential with 401",
    async ({ credential, send }) => {
      const owner = await ownerWithData();
      const revoked = await revokedAfterUse();
      const before = await ownerSnapshot(owner);
      const refused =
        credential === "webhook"
          ? ["garbage", tamperedKey(owner.webhookToken), revoked.webhookToken]
          : [undefined, "garbage", tamperedKey(owner.apiKey), revoked.apiKey];
      for (const key of refused) {
        const res = await send(owner, key);
        expect(res.status, String(key)).toBe(401);
        expect((await res.json<{ error: { code: string } }>()).error.code).toBe("UNAUTHORIZED");
      }
      expect(await ownerSnapshot(owner)).toEqual(before);
    },
  );

  it("never shows one tenant's definitions to the LLM for another", async () => {
    const owner = await seedTenant("owner");
    const other = await seedTenant("other");
    const ownerToken = `owner_${crypto.randomUUID().replaceAll("-", "")}`;
    const otherToken = `other_${crypto.randomUUID().replaceAll("-", "")}`;
    await putField(owner, "owner_only_field", { description: ownerToken });
    await putField(other, "company_name", { description: otherToken });
    await scriptLlm(otherToken, [answer({ mappings: [], extracted: [] })]);
    expect((await updateMetadata(other, { empresa_x: "Acme" })).status).toBe(200);
    const calls = await llmCalls(otherToken);
    expect(calls).toHaveLength(1);
    expect(JSON.stringify(calls[0]?.body)).not.toContain("owner_only_field");
    expect(await llmCalls(ownerToken)).toHaveLength(0);
  });
});

describe("secrets", () => {
  it("stores API keys only as SHA-256 hashes", async () => {
    const t = await seedTenant();
    const rows = await query<Record<string, unknown>>("SELECT * FROM api_keys WHERE tenant_id = $1", [
      t.tenantId,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key_hash).toBe(await sha256Hex(t.apiKey));
    expect(JSON.stringify(rows)).not.toContain(t.apiKey);
  });

  it("logs neither keys, hashes nor values, even for an unexpected failure", async () => {
    const t = await seedTenant();
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      }),
    );
    await query(`CREATE OR REPLACE FUNCTION fail_on_secret() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.value = 'SECRET-trigger-value' THEN RAISE EXCEPTION 'forced'; END IF; RETURN NEW; END $$`);
    await query(`CREATE OR REPLACE TRIGGER fail_on_secret BEFORE INSERT OR UPDATE ON contact_field_values
      FOR EACH ROW EXECUTE FUNCTION fail_on_secret()`);
    const webhook = await createWebhook(query, t.tenantId);
    const failed = await updateMetadata(t, { card: "SECRET-trigger-value", other: "private note" });
    // The webhook's token is in its URL: a failure there must not log the URL either.
    const failedHook = await call(`${webhook.path}?ai_contact_id=${t.contactId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card: "SECRET-trigger-value" }),
    });
    const ok = await updateMetadata(t, { note: "private note" });
    for (const spy of spies) {
      spy.mockRestore();
    }
    expect([failed.status, failedHook.status, ok.status]).toEqual([500, 500, 200]);
    expect(logged.length).toBeGreaterThan(1);
    const all = logged.join("\n");
    const secrets = [t.apiKey, sha256Hex(t.apiKey), webhook.token, sha256Hex(webhook.token)];
    for (const secret of [...secrets, "SECRET-trigger-value", "private note"]) {
      expect(all).not.toContain(secret);
    }
  });
});
