import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { revokeApiKey } from "../../scripts/lib/tenants";
import { call, query, seedTenant, type TenantFixture } from "../harness";

const put = (t: TenantFixture, key: string, body: unknown) =>
  call(`/api/public/custom-fields/${encodeURIComponent(key)}`, {
    method: "PUT",
    headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const list = async (t: TenantFixture) =>
  (await call("/api/public/custom-fields", { headers: { "x-api-key": t.apiKey } })).json<
    Record<string, unknown>[]
  >();
const remove = (t: TenantFixture, key: string) =>
  call(`/api/public/custom-fields/${key}`, { method: "DELETE", headers: { "x-api-key": t.apiKey } });

describe("custom field definitions", () => {
  it("creates, replaces, lists and deletes definitions in the tenant's KV record", async () => {
    const t = await seedTenant();
    const created = await put(t, "Plan Tier", {
      label: "Plan tier",
      type: "select",
      options: ["Free", "Pro"],
      aliases: ["Plan", "tier"],
      description: "Billing plan",
    });
    expect(created.status).toBe(201);
    const definition = await created.json<Record<string, unknown>>();
    expect(definition).toMatchObject({
      key: "plan_tier",
      label: "Plan tier",
      type: "select",
      options: ["Free", "Pro"],
      aliases: ["plan", "tier"],
      description: "Billing plan",
    });

    const replaced = await put(t, "plan_tier", { label: "Plan", type: "text" });
    expect(replaced.status).toBe(200);
    const after = await replaced.json<Record<string, unknown>>();
    expect(after).toMatchObject({
      id: definition.id,
      created_at: definition.created_at,
      label: "Plan",
      aliases: [],
    });

    await put(t, "abc", {});
    expect((await list(t)).map((d) => d.key)).toEqual(["abc", "plan_tier"]);
    const stored = await env.FIELDS_KV.get<{ definitions: { key: string }[] }>(
      `fields:v1:${t.tenantId}`,
      "json",
    );
    expect(stored?.definitions.map((d) => d.key).sort()).toEqual(["abc", "plan_tier"]);

    expect((await remove(t, "abc")).status).toBe(200);
    expect((await remove(t, "abc")).status).toBe(404);
    expect((await list(t)).map((d) => d.key)).toEqual(["plan_tier"]);
  });

  it("validates the body with the one error shape", async () => {
    const t = await seedTenant();
    const res = await put(t, "x", { type: "colour" });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string }; request_id: string }>();
    expect(body.error.code).toBe("BAD_REQUEST");
    expect(body.request_id).toBe(res.headers.get("x-request-id"));
    expect((await put(t, "x", { type: "select" })).status).toBe(400);
    expect((await put(t, "!!!", {})).status).toBe(400);
  });

  it("keeps tenants apart and refuses revoked keys before touching KV", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    await put(a, "secret_field", {});
    expect(await list(b)).toEqual([]);
    expect((await remove(b, "secret_field")).status).toBe(404);
    await revokeApiKey(query, b.apiKey);
    expect((await put(b, "late", {})).status).toBe(401);
    expect(await env.FIELDS_KV.get(`fields:v1:${b.tenantId}`)).toBeNull();
  });
});
