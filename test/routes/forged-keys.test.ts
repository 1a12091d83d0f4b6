// Issue 12.4 and 12.5: made-up credentials cost one cheap statement, no tenant-sized work, and
// leave nothing behind in the isolate. Each test calls the Worker with an env of its own, so its
// isolate caches start empty and are the test's alone (src/http/services.ts keeps them per env).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { generateToken } from "../../src/core/auth/api-key";
import { isolateStateOf } from "../../src/http/services";
import type { IsolateState } from "../../src/services/deps";
import { putField, seedTenant } from "../harness";
import { callWith, freshEnv } from "../hostile";

const sizes = (isolate: IsolateState | undefined) => ({
  verified: isolate?.verified.size,
  snapshots: isolate?.snapshots.size,
  snapshotBytes: isolate?.snapshots.bytes,
  floors: isolate?.floors.size,
  refreshing: isolate?.refreshing.size,
  refusing: isolate?.refusing.size,
});

const forgedRequest = (
  kind: "cmk" | "whk",
  tenantId: string,
  contactId: string,
  ip: string,
): { path: string; init: RequestInit } => {
  const token = generateToken(kind, tenantId).key;
  return kind === "cmk"
    ? {
        path: `/api/public/contact/${contactId}/update-metadata`,
        init: {
          method: "POST",
          headers: { "x-api-key": token, "content-type": "application/json", "cf-connecting-ip": ip },
          body: '{"never_seen": "x"}',
        },
      }
    : {
        path: `/api/webhooks/${token}?ai_contact_id=${contactId}`,
        init: {
          method: "POST",
          headers: { "content-type": "application/json", "cf-connecting-ip": ip },
          body: '{"never_seen": "x"}',
        },
      };
};

describe("made-up credentials leave the isolate as they found it", () => {
  it("5,000 distinct forged keys and webhook tokens (unknown tenants and a real one) grow no cache", {
    timeout: 600_000,
  }, async () => {
    const t = await seedTenant();
    // The client's limit of refused credentials is 1,000 here (a counting stand-in for the
    // binding), so the first 1,000 keys each cost a database check and the rest are refused at the
    // edge: both paths, 5,000 distinct keys (any growth per key would show in the sizes below).
    let refusals = 0;
    const clientLimiter = { limit: async () => ({ success: ++refusals <= 1_000 }) };
    const testEnv = freshEnv({ CLIENT_RATE_LIMITER: clientLimiter as unknown as RateLimit });
    // One real request first, so every cache exists and holds this tenant: the baseline.
    const warm = await callWith(testEnv, `/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: '{"warm": "yes"}',
    });
    expect(warm.status).toBe(200);
    const before = sizes(isolateStateOf(testEnv));
    expect(before).toMatchObject({ verified: 1, snapshots: 1, floors: 1, refusing: 0 });

    const total = 5_000;
    const unknownTenants: string[] = [];
    const statuses = new Map<number, number>();
    const batch = 50;
    for (let sent = 0; sent < total; sent += batch) {
      const answers = await Promise.all(
        Array.from({ length: Math.min(batch, total - sent) }, (_, i) => {
          const n = sent + i;
          // One in ten names the real tenant; one in five is a webhook token.
          const tenantId = n % 10 === 0 ? t.tenantId : crypto.randomUUID();
          if (tenantId !== t.tenantId && unknownTenants.length < 20) {
            unknownTenants.push(tenantId);
          }
          const kind = n % 5 === 0 ? "whk" : "cmk";
          const { path, init } = forgedRequest(kind, tenantId, t.contactId, "198.51.100.7");
          return callWith(testEnv, path, init);
        }),
      );
      for (const res of answers) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }
    const refused = statuses.get(401) ?? 0;
    // 1,000 within the limit, the one that passed it, and at most a batch already in flight.
    expect(refused).toBeGreaterThanOrEqual(1_001);
    expect(refused).toBeLessThanOrEqual(1_001 + batch);
    expect(refused + (statuses.get(429) ?? 0)).toBe(total);
    // Only the client's own block was remembered.
    expect(sizes(isolateStateOf(testEnv))).toEqual({ ...before, refusing: 1 });
    // Nor was anything projected for the tenants that do not exist.
    for (const tenantId of unknownTenants) {
      expect(await env.FIELDS_KV.get(`definitions:v2:${tenantId}`)).toBeNull();
    }
  });

  it("an unknown tenant is never cached, and a made-up key for a real tenant reads none of its definitions", async () => {
    const t = await seedTenant();
    expect((await putField(t, "real_field", { label: "Real" })).status).toBe(201);
    const testEnv = freshEnv();
    for (const tenantId of [crypto.randomUUID(), t.tenantId]) {
      const { path, init } = forgedRequest("cmk", tenantId, t.contactId, "198.51.100.8");
      const res = await callWith(testEnv, path, init);
      expect(res.status).toBe(401);
      expect(res.headers.get("server-timing")).toContain('kv;desc="reads=0 writes=0"');
      expect(sizes(isolateStateOf(testEnv))).toMatchObject({ verified: 0, snapshots: 0, floors: 0 });
    }
  });
});
