// Runs in the "limits" project: 3 refused credentials a minute per client address and per claimed
// tenant (CLIENT_RATE_LIMITER, TENANT_RATE_LIMITER), 3 requests a minute per API key. Each test uses
// addresses of its own, so the other file of this project (no CF-Connecting-IP) never shares them.
import { describe, expect, it } from "vitest";
import { generateToken } from "../../src/core/auth/api-key";
import { call, seedTenant, type TenantFixture } from "../harness";

const update = (t: TenantFixture, key: string, ip: string) =>
  call(`/api/public/contact/${t.contactId}/update-metadata`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json", "cf-connecting-ip": ip },
    body: '{"probe": "x"}',
  });

function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) {
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

describe("made-up keys are limited per client address and per claimed tenant (issue 12.4)", () => {
  it("1,000 random well-formed keys from one address: all but a few are 429, each 401 was one check", {
    timeout: 300_000,
  }, async () => {
    const t = await seedTenant();
    const ip = "203.0.113.41";
    // Confirmed before the flood: a confirmed key only meets its own key's limit.
    expect((await update(t, t.apiKey, ip)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 1_000; i++) {
      const res = await update(t, generateToken("cmk", crypto.randomUUID()).key, ip);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get("retry-after")).toBe("60");
      }
    }
    const counts = tally(statuses);
    expect(Object.keys(counts).sort()).toEqual(["401", "429"]);
    // 3 refusals a minute, the one past the limit, and a window edge (fixed windows): at most 7
    // requests reached the database.
    expect(counts[401]).toBeGreaterThanOrEqual(4);
    expect(counts[401]).toBeLessThanOrEqual(7);
    expect((await update(t, t.apiKey, ip)).status).toBe(200);
  });

  it("made-up keys naming one real tenant from many addresses: 429 past the tenant's limit", async () => {
    const t = await seedTenant();
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await update(t, generateToken("cmk", t.tenantId).key, `203.0.113.${100 + i}`);
      statuses.push(res.status);
    }
    const counts = tally(statuses);
    expect(counts[401]).toBeGreaterThanOrEqual(4);
    expect(counts[401]).toBeLessThanOrEqual(7);
    expect(counts[429]).toBe(40 - (counts[401] ?? 0));
  });

  it("a busy shared address (Zapier, a form builder) with many tenants' valid keys is never limited by it", async () => {
    const ip = "203.0.113.200";
    const tenants = await Promise.all(Array.from({ length: 8 }, () => seedTenant()));
    // Each key is new to this isolate, so each costs a check; none is refused, so none counts.
    const statuses = [];
    for (const t of tenants) {
      statuses.push((await update(t, t.apiKey, ip)).status);
    }
    expect(statuses).toEqual(Array(8).fill(200));
  });
});
