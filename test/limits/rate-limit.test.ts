// Runs in the "limits" project, whose rate limiter allows 3 requests a minute per API key.
import { describe, expect, it } from "vitest";
import { call, fieldMap, seedTenant, updateMetadata } from "../harness";

describe("rate limit per API key", () => {
  it("answers 429 with Retry-After once a key is over its limit, writing nothing, and leaves other keys alone", async () => {
    const t = await seedTenant();
    const other = await seedTenant();
    // The limiter counts in fixed windows: a run that straddles a window edge may get up to twice
    // the limit through before the first 429, so send until it comes (bounded), not exactly 4.
    const accepted: Record<string, string> = {};
    let limited: Response | undefined;
    for (let i = 0; i < 8 && !limited; i++) {
      const res = await updateMetadata(t, { [`n${i}`]: "x" });
      if (res.status === 429) {
        limited = res;
      } else {
        expect(res.status).toBe(200);
        accepted[`n${i}`] = "x";
      }
    }
    if (!limited) {
      throw new Error("8 requests under a limit of 3 per minute: never limited");
    }
    expect(Object.keys(accepted).length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(accepted).length).toBeLessThanOrEqual(6);
    expect(limited.headers.get("retry-after")).toBe("60");
    const body = await limited.json<{ error: { code: string }; request_id: string }>();
    expect(body.error.code).toBe("RATE_LIMITED");
    expect(body.request_id).toBe(limited.headers.get("x-request-id"));
    // The refused request wrote nothing: only the accepted ones are there.
    expect(await fieldMap(t.contactId)).toEqual(accepted);

    expect(
      (await call(`/api/public/contact/${t.contactId}/info`, { headers: { "x-api-key": t.apiKey } })).status,
    ).toBe(429);
    expect((await updateMetadata(other, { fine: "yes" })).status).toBe(200);
  });
});
