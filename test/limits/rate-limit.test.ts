// Runs in the "limits" project, whose rate limiter allows 3 requests a minute per API key.
import { describe, expect, it } from "vitest";
import { call, fieldMap, seedTenant, updateMetadata } from "../harness";

describe("rate limit per API key", () => {
  it("answers 429 with Retry-After once a key is over its limit, writing nothing, and leaves other keys alone", async () => {
    const t = await seedTenant();
    const other = await seedTenant();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await updateMetadata(t, { [`n${i}`]: "x" })).status);
    }
    const limited = await updateMetadata(t, { over: "limit" });
    expect(statuses).toEqual([200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    const body = await limited.json<{ error: { code: string }; request_id: string }>();
    expect(body.error.code).toBe("RATE_LIMITED");
    expect(body.request_id).toBe(limited.headers.get("x-request-id"));
    expect(await fieldMap(t.contactId)).toEqual({ n0: "x", n1: "x", n2: "x" });

    expect((await updateMetadata(other, { fine: "yes" })).status).toBe(200);
    expect(
      (await call(`/api/public/contact/${t.contactId}/info`, { headers: { "x-api-key": t.apiKey } })).status,
    ).toBe(429);
  });
});
