// Issue 12.8: a revoked key that this isolate confirmed moments ago may cause at most one LLM call,
// and none once its last confirmation is 10 s old (LLM_CALLER_MS). The isolate's clock is Date.now:
// the Worker runs in this test's isolate, so faking Date moves its clock too.
import { afterEach, describe, expect, it, vi } from "vitest";
import { revokeApiKey } from "../../scripts/lib/tenants";
import { answer, llmCalls, putField, query, scriptLlm, seedTenant, type TenantFixture } from "../harness";
import { callWith, freshEnv } from "../hostile";

async function tenantWithToken(): Promise<TenantFixture & { token: string }> {
  const t = await seedTenant();
  const token = `tok_${crypto.randomUUID().replaceAll("-", "")}`;
  expect((await putField(t, "company_name", { label: "Company", description: token })).status).toBe(201);
  // Calls carrying the token are recorded under it; the model maps nothing (its last answer repeats).
  await scriptLlm(token, [answer({ mappings: [], extracted: [] })]);
  return { ...t, token };
}

/** A request whose key matches nothing, so it goes to the LLM (whose prompt carries the token). */
const unknownKey = (testEnv: ReturnType<typeof freshEnv>, t: TenantFixture, n: number) =>
  callWith(testEnv, `/api/public/contact/${t.contactId}/update-metadata`, {
    method: "POST",
    headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
    body: JSON.stringify({ [`frobnicator_${n}`]: "blue" }),
  });

describe("a revoked key and the LLM (issue 12.8)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("causes no LLM call once its last confirmation is 10 s old (the promise, whatever LLM_CALLER_MS says)", async () => {
    const t = await tenantWithToken();
    const testEnv = freshEnv();
    expect((await unknownKey(testEnv, t, 1)).status).toBe(200);
    expect(await llmCalls(t.token)).toHaveLength(1);
    await revokeApiKey(query, t.apiKey);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10_500 });
    const res = await unknownKey(testEnv, t, 2);
    expect(res.status).toBe(401);
    expect(res.headers.get("server-timing")).toContain('llm;dur=0.0;desc="calls=0"');
    expect(await llmCalls(t.token)).toHaveLength(1);
  });

  it("within the window: at most one LLM call, then the write statement's 401 makes the isolate forget the key", async () => {
    const t = await tenantWithToken();
    const testEnv = freshEnv();
    expect((await unknownKey(testEnv, t, 1)).status).toBe(200);
    expect(await llmCalls(t.token)).toHaveLength(1);
    await revokeApiKey(query, t.apiKey);
    const statuses = [];
    for (let n = 2; n <= 5; n++) {
      statuses.push((await unknownKey(testEnv, t, n)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401]);
    // The first request after revocation still trusted its confirmation of a moment ago (one
    // call); its statement refused the key, so every later one was checked first (no call).
    expect((await llmCalls(t.token)).length - 1).toBeLessThanOrEqual(1);
  });
});
