// Retrying with an Idempotency-Key after a 503 (issue 15). Runs in the "faults" project: its Neon
// proxy is ours alone. Checks run with the fault cleared (they go through the same proxy).
import { afterEach, describe, expect, it, vi } from "vitest";
import { activityRows, call, fieldMap, query, type TenantFixture } from "../harness";
import { setFault, tenantWithOneField } from "./faults";

const keyed = (t: TenantFixture, key: string, body: unknown) =>
  call(`/api/public/contact/${t.contactId}/update-metadata`, {
    method: "POST",
    headers: { "x-api-key": t.apiKey, "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify(body),
  });

describe("Idempotency-Key and database faults", () => {
  afterEach(() => setFault("none"));

  it("processes a retry after a 503: the failed attempt claimed nothing", async () => {
    const t = await tenantWithOneField();
    const key = crypto.randomUUID();
    await setFault("down");
    const failed = await keyed(t, key, { kept: "changed" });
    expect(failed.status).toBe(503);
    await setFault("none");
    expect(await query("SELECT 1 FROM idempotency_keys WHERE key = $1", [key])).toEqual([]);
    const retried = await keyed(t, key, { kept: "changed" });
    expect(retried.status).toBe(200);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(await fieldMap(t.contactId)).toEqual({ kept: "changed" });
    expect(await activityRows(t.contactId)).toHaveLength(2);
    // And a retry of that success is a replay.
    await vi.waitFor(
      async () => {
        const [row] = await query<{ s: number | null }>(
          "SELECT response_status AS s FROM idempotency_keys WHERE key = $1",
          [key],
        );
        expect(row?.s).toBe(200);
      },
      { timeout: 10_000 },
    );
    expect((await keyed(t, key, { kept: "changed" })).headers.get("idempotent-replayed")).toBe("true");
    expect(await activityRows(t.contactId)).toHaveLength(2);
  });

  it("never applies twice when the answer was lost after the commit: the retry is told, not re-applied", async () => {
    const t = await tenantWithOneField();
    const key = crypto.randomUUID();
    await setFault("drop-after");
    expect((await keyed(t, key, { kept: "changed", extra: "1" })).status).toBe(503);
    await setFault("none");
    // The statement committed (values, activity row and claim together); its answer never came.
    expect(await fieldMap(t.contactId)).toEqual({ kept: "changed", extra: "1" });
    expect(await activityRows(t.contactId)).toHaveLength(2);
    const soon = await keyed(t, key, { kept: "changed", extra: "1" });
    expect(soon.status).toBe(409);
    expect(soon.headers.get("retry-after")).toBe("1");
    await query("UPDATE idempotency_keys SET claimed_at = now() - interval '1 minute' WHERE key = $1", [key]);
    const later = await keyed(t, key, { kept: "changed", extra: "1" });
    expect(later.status).toBe(409);
    expect((await later.json<{ error: { details: unknown } }>()).error.details).toEqual({ applied: true });
    expect(await activityRows(t.contactId)).toHaveLength(2);
  });
});
