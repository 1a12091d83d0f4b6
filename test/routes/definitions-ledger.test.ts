// Issue 10's remaining promises, through the routes: a stale KV projection never loses or misroutes
// a value and is repaired; the definition limit refuses a request whole.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import {
  activityRows,
  call,
  fieldMap,
  ledger,
  ledgerVersion,
  projectionOf,
  putField,
  query,
  seedTenant,
  type TenantFixture,
  updateMetadata,
} from "../harness";
import { callWith, freshEnv } from "../hostile";

/** A KV binding that keeps serving `stale` for the tenant's projection; writes go to the real KV. */
function kvServing(tenantId: string, stale: string): KVNamespace {
  return new Proxy(env.FIELDS_KV, {
    get(target, prop, receiver) {
      if (prop === "get") {
        return (key: string, options?: unknown) =>
          key === `definitions:v2:${tenantId}` ? Promise.resolve(stale) : target.get(key, options as never);
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const remove = (t: TenantFixture, path: string) =>
  call(`/api/public/custom-fields/${path}`, { method: "DELETE", headers: { "x-api-key": t.apiKey } });

interface Field {
  key: string;
  value: string | null;
  source_key: string;
  matched_by: string;
  custom_field_definition_id: string;
}

describe("a stale projection (issue 10)", () => {
  it("never loses or misroutes a value, and is repaired", { timeout: 60_000 }, async () => {
    const t = await seedTenant();
    expect((await putField(t, "company_name", { label: "Company", aliases: ["marca"] })).status).toBe(201);
    expect((await putField(t, "old_field", { label: "Old" })).status).toBe(201);
    expect((await putField(t, "plan", { label: "Plan" })).status).toBe(201);
    await vi.waitFor(async () =>
      expect((await projectionOf(t.tenantId))?.version).toBe(await ledgerVersion(t.tenantId)),
    );
    // The projection as a distant colo may keep serving it for a while.
    const stale = (await env.FIELDS_KV.get(`definitions:v2:${t.tenantId}`)) ?? "";

    // Since then: a new alias, a new field, a deleted field, an alias moved to another field.
    expect((await putField(t, "company_name", { label: "Company", aliases: ["empresa"] })).status).toBe(200);
    expect((await putField(t, "brand", { label: "Brand", aliases: ["firma", "marca"] })).status).toBe(201);
    expect((await remove(t, "old_field")).status).toBe(200);
    const ids = Object.fromEntries((await ledger(t.tenantId)).map((d) => [d.key, d.id]));

    const staleEnv = freshEnv({ FIELDS_KV: kvServing(t.tenantId, stale) });
    const res = await callWith(staleEnv, `/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: JSON.stringify({
        empresa: "Acme SL",
        firma: "ACME",
        marca: "Acme brand",
        old_field: "kept",
        plan: "pro",
      }),
    });
    expect(res.status).toBe(200);
    const fields = await res.json<Field[]>();
    const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
    // Where the ledger says each name goes, not where the stale projection said.
    expect(byKey.company_name).toMatchObject({
      value: "Acme SL",
      source_key: "empresa",
      matched_by: "alias",
    });
    expect(byKey.company_name?.custom_field_definition_id).toBe(ids.company_name);
    expect(byKey.brand).toMatchObject({ value: "Acme brand", source_key: "marca", matched_by: "alias" });
    expect(byKey.brand?.custom_field_definition_id).toBe(ids.brand);
    expect(byKey.plan).toMatchObject({ value: "pro", matched_by: "exact" });
    // A deleted field's key is a new field again (its definition comes back), as with a fresh view.
    expect(byKey.old_field).toMatchObject({ value: "kept", matched_by: "new" });
    expect(await fieldMap(t.contactId)).toEqual({
      company_name: "Acme SL",
      brand: "Acme brand",
      old_field: "kept",
      plan: "pro",
    });
    // No duplicate of an existing definition or alias was created.
    const after = await ledger(t.tenantId);
    expect(after.map((d) => [d.key, d.aliases])).toEqual([
      ["brand", ["firma", "marca"]],
      ["company_name", ["empresa"]],
      ["old_field", []],
      ["plan", []],
    ]);

    // Repaired: the isolate reads the ledger after the response and rewrites the projection.
    await vi.waitFor(async () => {
      const projection = await projectionOf(t.tenantId);
      expect(projection?.version).toBe(await ledgerVersion(t.tenantId));
      expect(projection?.definitions.map((d) => [d.key, d.aliases])).toEqual(
        after.map((d) => [d.key, d.aliases]),
      );
    });
    // And this isolate no longer plans with the stale copy: the same keys now match at once.
    const again = await callWith(staleEnv, `/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ marca: "Acme brand 2", empresa: "Acme SL 2" }),
    });
    expect(again.headers.get("server-timing")).toContain('llm;dur=0.0;desc="calls=0"');
    expect((await again.json<Field[]>()).map((f) => [f.key, f.matched_by])).toEqual([
      ["brand", "alias"],
      ["company_name", "alias"],
    ]);
  });
});

describe("the definition limit (issue 10)", () => {
  it("one key under the limit lands; past it a 422 naming the keys, and nothing at all is written", async () => {
    const t = await seedTenant();
    expect((await putField(t, "existing", {})).status).toBe(201);
    await query("UPDATE tenants SET definition_limit = 2 WHERE id = $1", [t.tenantId]);

    const under = await updateMetadata(t, { existing: "a", second: "b" });
    expect(under.status).toBe(200);
    expect((await ledger(t.tenantId)).map((d) => d.key)).toEqual(["existing", "second"]);

    const versionBefore = await ledgerVersion(t.tenantId);
    const past = await updateMetadata(t, { existing: "changed", third: "c", fourth: "d" });
    expect(past.status).toBe(422);
    const body = await past.json<{
      error: { code: string; details: { limit: number; count: number; keys: string[] } };
    }>();
    expect(body.error.code).toBe("DEFINITION_LIMIT_EXCEEDED");
    expect(body.error.details).toEqual({ limit: 2, count: 2, keys: ["fourth", "third"] });
    // Nothing: not the value of the known key, no activity row, no definition, no version bump.
    expect(await fieldMap(t.contactId)).toEqual({ existing: "a", second: "b" });
    expect(await activityRows(t.contactId)).toHaveLength(1);
    expect((await ledger(t.tenantId)).map((d) => d.key)).toEqual(["existing", "second"]);
    expect(await ledgerVersion(t.tenantId)).toBe(versionBefore);
    const [tenant] = await query<{ definition_count: number }>(
      "SELECT definition_count FROM tenants WHERE id = $1",
      [t.tenantId],
    );
    expect(tenant?.definition_count).toBe(2);

    // A PUT of a new definition is refused the same way; replacing an existing one is not.
    expect((await putField(t, "third", {})).status).toBe(422);
    expect((await putField(t, "second", { label: "Second" })).status).toBe(200);
  });
});
