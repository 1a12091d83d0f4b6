import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { revokeApiKey } from "../../scripts/lib/tenants";
import {
  answer,
  call,
  fieldMap,
  ledger,
  ledgerVersion,
  llmCalls,
  projectionOf,
  query,
  scriptLlm,
  seedTenant,
  type TenantFixture,
  updateMetadata,
} from "../harness";

const put = (t: TenantFixture, key: string, body: unknown) =>
  call(`/api/public/custom-fields/${encodeURIComponent(key)}`, {
    method: "PUT",
    headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

interface Listed {
  data: (Record<string, unknown> & {
    key: string;
    aliases: string[];
    alias_provenance: Record<string, unknown>[];
  })[];
  count: number;
  limit: number;
  version: number;
}
const list = async (t: TenantFixture) =>
  (await call("/api/public/custom-fields", { headers: { "x-api-key": t.apiKey } })).json<Listed>();
const remove = (t: TenantFixture, key: string) =>
  call(`/api/public/custom-fields/${key}`, { method: "DELETE", headers: { "x-api-key": t.apiKey } });
const unlearn = (t: TenantFixture, key: string, alias: string) =>
  call(`/api/public/custom-fields/${key}/aliases/${alias}`, {
    method: "DELETE",
    headers: { "x-api-key": t.apiKey },
  });

describe("custom field definitions", () => {
  it("creates, replaces, lists and deletes definitions in the Postgres ledger, and projects them to KV", async () => {
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
      definitions_version: 1,
    });

    const replaced = await put(t, "plan_tier", { label: "Plan", type: "text" });
    expect(replaced.status).toBe(200);
    const after = await replaced.json<Record<string, unknown>>();
    expect(after).toMatchObject({
      id: definition.id,
      created_at: definition.created_at,
      label: "Plan",
      aliases: [],
      definitions_version: 2,
    });

    await put(t, "abc", {});
    const listed = await list(t);
    expect(listed.data.map((d) => d.key)).toEqual(["abc", "plan_tier"]);
    expect(listed).toMatchObject({ count: 2, limit: 10_000, version: 3 });
    expect((await ledger(t.tenantId)).map((d) => d.key)).toEqual(["abc", "plan_tier"]);
    await vi.waitFor(async () => {
      const projection = await projectionOf(t.tenantId);
      expect(projection?.version).toBe(3);
      expect(projection?.definitions.map((d) => d.key).sort()).toEqual(["abc", "plan_tier"]);
    });

    const deleted = await remove(t, "abc");
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ key: "abc", deleted: true, definitions_version: 4 });
    expect((await remove(t, "abc")).status).toBe(404);
    expect((await list(t)).data.map((d) => d.key)).toEqual(["plan_tier"]);
    expect((await list(t)).count).toBe(1);
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
    expect((await put(t, "x", { colour: "red" })).status).toBe(400);
    expect(await ledger(t.tenantId)).toEqual([]);
  });

  it("keeps tenants apart and refuses revoked keys before touching anything", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    await put(a, "secret_field", {});
    expect((await list(b)).data).toEqual([]);
    expect((await remove(b, "secret_field")).status).toBe(404);
    await revokeApiKey(query, b.apiKey);
    expect((await put(b, "late", {})).status).toBe(401);
    expect(await ledger(b.tenantId)).toEqual([]);
    expect(await env.FIELDS_KV.get(`definitions:v2:${b.tenantId}`)).toBeNull();
  });

  it("refuses a name that another definition owns (key, label or alias) with 409, changing nothing", async () => {
    const t = await seedTenant();
    expect((await put(t, "company_name", { label: "Company", aliases: ["empresa"] })).status).toBe(201);
    const version = await ledgerVersion(t.tenantId);
    for (const [key, body] of [
      ["empresa", {}],
      ["organisation", { aliases: ["Empresa"] }],
      ["organisation", { label: "Company Name" }],
      ["organisation", { label: "company" }],
    ] as const) {
      const res = await put(t, key, body);
      expect(res.status).toBe(409);
      const error = (await res.json<{ error: { code: string; details: { names: { owner: string }[] } } }>())
        .error;
      expect(error.code).toBe("CONFLICT");
      expect(error.details.names[0]?.owner).toBe("company_name");
    }
    expect((await ledger(t.tenantId)).map((d) => d.key)).toEqual(["company_name"]);
    expect(await ledgerVersion(t.tenantId)).toBe(version);
  });

  it("lists who taught each alias, and un-learning one sends its key back to matching", async () => {
    const t = await seedTenant();
    const token = `tok_${crypto.randomUUID().replaceAll("-", "")}`;
    await put(t, "company_name", {
      label: "Company name",
      description: `Legal name (${token})`,
      aliases: ["firma"],
    });
    await scriptLlm(token, [
      answer({ mappings: [{ key: "registered_as", field: "company_name", value: null }], extracted: [] }),
      answer({ mappings: [{ key: "registered_as", field: "company_name", value: null }], extracted: [] }),
    ]);
    const learned = await updateMetadata(t, { registered_as: "Acme" });
    expect((await learned.json<{ matched_by: string }[]>())[0]?.matched_by).toBe("llm");
    const requestId = learned.headers.get("x-request-id");

    const [definition] = (await list(t)).data;
    expect(definition?.aliases).toEqual(["firma", "registered_as"]);
    expect(definition?.alias_provenance).toEqual([
      expect.objectContaining({ alias: "firma", source: "admin" }),
      expect.objectContaining({
        alias: "registered_as",
        source: "llm",
        request_id: requestId,
        api_key_prefix: t.apiKey.slice(0, 4) + t.apiKey.split("_")[2]?.slice(0, 8),
        webhook_id: null,
      }),
    ]);

    // Remembered: no LLM call.
    expect(
      (await (await updateMetadata(t, { registered_as: "B" })).json<{ matched_by: string }[]>())[0]
        ?.matched_by,
    ).toBe("alias");
    expect(await llmCalls(token)).toHaveLength(1);

    const res = await unlearn(t, "company_name", "registered_as");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ key: "company_name", alias: "registered_as", deleted: true });
    expect((await unlearn(t, "company_name", "registered_as")).status).toBe(404);
    expect((await unlearn(t, "nope", "firma")).status).toBe(404);
    expect((await list(t)).data[0]?.aliases).toEqual(["firma"]);

    // Un-learned: the key goes through matching again, and the LLM is asked again.
    const again = await updateMetadata(t, { registered_as: "C" });
    expect((await again.json<{ matched_by: string }[]>())[0]?.matched_by).toBe("llm");
    expect(await llmCalls(token)).toHaveLength(2);
    expect(await fieldMap(t.contactId)).toEqual({ company_name: "C" });
  });
});
