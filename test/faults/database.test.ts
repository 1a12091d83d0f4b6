// Runs in the "faults" project: its Neon proxy is ours alone, so failures injected here hit no
// other test. Seeding and checks run with the fault cleared (they go through the same proxy).
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { activityRows, call, fieldMap, query, updateMetadata } from "../harness";
import { setFault, tenantWithOneField } from "./faults";

// Each 503 is logged for operators (src/errors.ts): asserted here instead of printed, so a run
// of the fault tests reads clean while the log line itself stays under test.
const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
afterAll(() => logged.mockRestore());

async function expectUnavailable(res: Response) {
  expect(res.status).toBe(503);
  expect(res.headers.get("retry-after")).toBe("5");
  const body = await res.json<{ error: { code: string; message: string }; request_id: string }>();
  expect(body.error.code).toBe("SERVICE_UNAVAILABLE");
  expect(body.request_id).toBe(res.headers.get("x-request-id"));
  expect(body.error.message).not.toMatch(/127\.0\.0\.1|fetch|socket|neon/i);
  const lines = logged.mock.calls.map((args) => args.join(" "));
  expect(lines.filter((line) => line.includes(body.request_id))).toEqual([
    expect.stringContaining("SERVICE_UNAVAILABLE"),
  ]);
}

describe("database faults", () => {
  afterEach(() => setFault("none"));

  it("answers 503 with Retry-After when the database is down, and writes nothing", async () => {
    const t = await tenantWithOneField();
    await setFault("down");
    await expectUnavailable(await updateMetadata(t, { kept: "changed", added: "new" }));
    await expectUnavailable(
      await call(`/api/public/contact/${t.contactId}/info`, { headers: { "x-api-key": t.apiKey } }),
    );
    await setFault("none");
    expect(await fieldMap(t.contactId)).toEqual({ kept: "yes" });
    expect(await activityRows(t.contactId)).toHaveLength(1);
  });

  it("never half-writes when the connection drops after the statement ran: all of it landed, once", async () => {
    const t = await tenantWithOneField();
    await setFault("drop-after");
    await expectUnavailable(await updateMetadata(t, { kept: "changed", a: "1", b: "2", gone: null }));
    await setFault("none");
    // The answer was lost, not the transaction: every value and exactly one activity row.
    expect(await fieldMap(t.contactId)).toEqual({ kept: "changed", a: "1", b: "2" });
    expect(await activityRows(t.contactId)).toHaveLength(2);
    // A retry of the same request is harmless: same values, one more activity row.
    expect((await updateMetadata(t, { kept: "changed", a: "1", b: "2", gone: null })).status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({ kept: "changed", a: "1", b: "2" });
  });

  it("recovers at once when the database is back", async () => {
    const t = await tenantWithOneField();
    await setFault("down");
    await expectUnavailable(await updateMetadata(t, { x: "1" }));
    await setFault("none");
    expect((await updateMetadata(t, { x: "2" })).status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({ kept: "yes", x: "2" });
  });
});

describe("create contact under database faults (issue 12.9)", () => {
  afterEach(() => setFault("none"));

  it("the connection dropped after the statement: the contact and its values landed together, once", async () => {
    const t = await tenantWithOneField();
    await setFault("drop-after");
    const res = await call("/api/public/contact", {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: JSON.stringify({
        name: "Dropped answer",
        email: "d@example.com",
        metadata: { kept: "on create" },
      }),
    });
    await expectUnavailable(res);
    await setFault("none");
    const created = await query<{ id: string; email: string }>(
      "SELECT id, email FROM contacts WHERE tenant_id = $1 AND name = 'Dropped answer'",
      [t.tenantId],
    );
    // One statement created the contact and wrote its values: it committed whole (the answer was
    // lost on the way back), never a contact without its values.
    expect(created).toHaveLength(1);
    const [contact] = created;
    expect(await fieldMap(contact?.id ?? "")).toEqual({ kept: "on create" });
    expect(await activityRows(contact?.id ?? "")).toHaveLength(1);
  });

  it("the database down: no contact at all", async () => {
    const t = await tenantWithOneField();
    await setFault("down");
    const res = await call("/api/public/contact", {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ name: "Never", metadata: { kept: "no" } }),
    });
    await expectUnavailable(res);
    await setFault("none");
    expect(
      await query("SELECT id FROM contacts WHERE tenant_id = $1 AND name = 'Never'", [t.tenantId]),
    ).toEqual([]);
  });
});
