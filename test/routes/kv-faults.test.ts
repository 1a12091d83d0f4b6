// KV failing is simulated by calling the Worker with a KV binding that throws; everything else
// (Postgres, the LLM Worker) is the real local stack.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import {
  activityRows,
  fieldMap,
  ledger,
  projectionOf,
  seedTenant,
  type TenantFixture,
  updateMetadata,
} from "../harness";

function kvFailing(on: "get" | "put"): KVNamespace {
  return new Proxy(env.FIELDS_KV, {
    get(target, prop, receiver) {
      if (prop === on) {
        return () => Promise.reject(new Error(`KV ${on} failed: upstream 500`));
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function updateWith(kv: KVNamespace, t: TenantFixture, body: unknown): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://api.test/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { ...env, FIELDS_KV: kv },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe("KV faults", () => {
  it("refuses cleanly with 503 when the definitions cannot be read: nothing is written or guessed", async () => {
    const t = await seedTenant();
    const res = await updateWith(kvFailing("get"), t, { company: "Acme" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("SERVICE_UNAVAILABLE");
    expect(await fieldMap(t.contactId)).toEqual({});
    expect(await activityRows(t.contactId)).toEqual([]);
  });

  it("still stores the values and the definitions when writing the projection fails, and projects them later", async () => {
    const t = await seedTenant();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await updateWith(kvFailing("put"), t, { brand_new: "kept" });
    expect(res.status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({ brand_new: "kept" });
    // The ledger is the truth: the definition was recorded with the value.
    expect((await ledger(t.tenantId)).map((d) => d.key)).toEqual(["brand_new"]);
    expect(await env.FIELDS_KV.get(`definitions:v2:${t.tenantId}`)).toBeNull();
    expect(errors.mock.calls.map((c) => String(c[0]))).toContainEqual(
      expect.stringContaining("deferred_task_failed"),
    );
    errors.mockRestore();

    const again = await updateMetadata(t, { brand_new: "again" });
    expect((await again.json<{ matched_by: string }[]>())[0]?.matched_by).toBe("exact");
    await vi.waitFor(async () => {
      expect((await projectionOf(t.tenantId))?.definitions.map((d) => d.key)).toEqual(["brand_new"]);
    });
  });
});
