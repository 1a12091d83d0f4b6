import { describe, expect, it, vi } from "vitest";
import { createWebhook } from "../../scripts/lib/webhooks";
import { call, query, seedTenant, type TenantFixture, updateMetadata } from "../harness";
import { blockedBy, pidOf, WAIT } from "../pg-locks";
import { type ActivityEntry, activity, bulk, encodeSearchCursor, type Page } from "./read-side.helpers";

async function page(t: TenantFixture, contactId: string, params: Record<string, string> = {}) {
  const res = await activity(t, contactId, params);
  expect(res.status, JSON.stringify(params)).toBe(200);
  return res.json<Page<ActivityEntry>>();
}

/** Every entry, following next_cursor, `limit` at a time. */
async function allPages(t: TenantFixture, contactId: string, params: Record<string, string>) {
  const entries: ActivityEntry[] = [];
  let cursor: string | null = null;
  do {
    const next: Page<ActivityEntry> = await page(t, contactId, cursor ? { ...params, cursor } : params);
    entries.push(...next.data);
    cursor = next.next_cursor;
  } while (cursor !== null);
  return entries;
}

const changesOf = (entries: ActivityEntry[]) =>
  entries.map((e) => e.changes.map((c) => [c.key, c.source_key, c.old_value, c.new_value]));

describe("GET /api/public/contact/{id}/activity", () => {
  it("lists the contact's changes newest first: when, which request, who, from what to what", async () => {
    const t = await seedTenant();
    const first = await updateMetadata(t, { companyName: "Acme", plan: "Free" });
    const second = await updateMetadata(t, { plan: "Pro" });
    const webhook = await createWebhook(query, t.tenantId);
    const viaWebhook = await call(`${webhook.path}?ai_contact_id=${t.contactId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ plan: "Team" }),
    });
    expect([first.status, second.status, viaWebhook.status]).toEqual([200, 200, 200]);
    const [key] = await query<{ prefix: string }>("SELECT prefix FROM api_keys WHERE tenant_id = $1", [
      t.tenantId,
    ]);

    const { data, next_cursor } = await page(t, t.contactId);
    expect(next_cursor).toBeNull();
    expect(data.map((e) => [e.kind, e.request_id, e.api_key_prefix, e.webhook_id])).toEqual([
      ["metadata_updated", viaWebhook.headers.get("x-request-id"), null, webhook.webhook_id],
      ["metadata_updated", second.headers.get("x-request-id"), key?.prefix, null],
      ["metadata_updated", first.headers.get("x-request-id"), key?.prefix, null],
    ]);
    expect(changesOf(data)).toEqual([
      [["plan", "plan", "Pro", "Team"]],
      [["plan", "plan", "Free", "Pro"]],
      [
        ["company_name", "companyName", null, "Acme"],
        ["plan", "plan", null, "Free"],
      ],
    ]);
    for (const entry of data) {
      expect(entry.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(entry.created_at).toISOString()).toBe(entry.created_at);
    }
  });

  it("key= gives one field's history after overwrites and a clear, each entry with just that change", async () => {
    const t = await seedTenant();
    for (const body of [
      { company_name: "Acme", plan: "Free" },
      { plan: "Pro" },
      { "Company Name": "Acme Inc" },
      { company_name: null, plan: "Team" },
      { note: "unrelated" },
    ]) {
      expect((await updateMetadata(t, body)).status).toBe(200);
    }
    for (const key of ["company_name", "Company Name", "companyName"]) {
      const { data } = await page(t, t.contactId, { key });
      expect(changesOf(data)).toEqual([
        [["company_name", "company_name", "Acme Inc", null]],
        [["company_name", "Company Name", "Acme", "Acme Inc"]],
        [["company_name", "company_name", null, "Acme"]],
      ]);
    }
    expect((await page(t, t.contactId, { key: "never_set" })).data).toEqual([]);
  });

  it("pages with limit (1-100, default 20) and an opaque cursor; a bad one is a 400", async () => {
    const t = await seedTenant();
    for (let i = 0; i < 23; i++) {
      await updateMetadata(t, { counter: String(i) });
    }
    const first = await page(t, t.contactId);
    expect(first.data).toHaveLength(20);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await page(t, t.contactId, { cursor: first.next_cursor as string });
    expect(second.data).toHaveLength(3);
    expect(second.next_cursor).toBeNull();
    const values = [...first.data, ...second.data].map((e) => e.changes[0]?.new_value);
    expect(values).toEqual(Array.from({ length: 23 }, (_, i) => String(22 - i)));
    expect((await page(t, t.contactId, { limit: "100" })).data).toHaveLength(23);
    for (const params of <Record<string, string>[]>[
      { limit: "0" },
      { limit: "101" },
      { limit: "ten" },
      { cursor: "garbage" },
      { cursor: encodeSearchCursor(t.contactId) },
      { key: "!!!" },
    ]) {
      const res = await activity(t, t.contactId, params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      const { error } = await res.json<{ error: { code: string; message: string } }>();
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.message).toContain(Object.keys(params)[0]);
    }
  });

  it("is 404 for another tenant's contact or no contact, 401 without a valid key", async () => {
    const owner = await seedTenant();
    const other = await seedTenant();
    await updateMetadata(owner, { secret: "x" });
    for (const id of [owner.contactId, "7b0f3a52-1d7e-4c3b-9a0e-5f2d8c6b4a19", "not-a-uuid"]) {
      expect((await activity(other, id)).status).toBe(404);
    }
    expect((await activity({ apiKey: "cmk_garbage" }, owner.contactId)).status).toBe(401);
  });

  it("pages without repeats or gaps while writes happen: what it misses is newer than all it showed", async () => {
    const t = await seedTenant();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => updateMetadata(t, { [`before_${i % 5}`]: String(i) })),
    );
    const before = (await page(t, t.contactId, { limit: "100" })).data.map((e) => e.id);
    expect(before).toHaveLength(30);

    const writes = Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 15));
        return updateMetadata(t, { [`during_${i % 5}`]: String(i) });
      }),
    );
    const paged = (await allPages(t, t.contactId, { limit: "3" })).map((e) => e.id);
    expect((await writes).map((r) => r.status)).toEqual(Array(30).fill(200));
    const after = (await page(t, t.contactId, { limit: "100" })).data.map((e) => e.id);
    expect(after).toHaveLength(60);

    expect(new Set(paged).size).toBe(paged.length);
    for (const id of before) {
      expect(paged).toContain(id);
    }
    // The pages are a run of the full history, from wherever the first page started: nothing in
    // between is missing, and nothing is out of order.
    const start = after.indexOf(paged[0] as string);
    expect(paged).toEqual(after.slice(start));
  });

  // The two ways a row can commit after a page was read while belonging among the rows it showed,
  // each forced: it waited BEFORE taking its number (guards ordering by seq, not created_at), or
  // AFTER it (guards the contact lock that makes numbers follow commit order).
  it("lists a write that waited before its contact's lock after the writes that committed meanwhile", async () => {
    const t = await seedTenant();
    // Every field exists already: S1 and S2 create no definitions (which would serialise them on the tenant).
    await updateMetadata(t, { initial: "i", s1: "-", s2: "-" });
    const email = `held-${crypto.randomUUID()}@example.com`;
    const marker = `locker_${crypto.randomUUID().replaceAll("-", "")}`;
    // Another transaction is inserting a contact with this email and holds it for 5 s.
    const locker = query(
      `/* ${marker} */ WITH c AS (INSERT INTO contacts (tenant_id, name, email) VALUES ($1, 'held', $2) RETURNING id)
       SELECT pg_sleep(5) FROM c`,
      [t.tenantId, email],
    );
    const lockerPid = await pidOf(marker);
    // S1 (a bulk request that also upserts that email) waits for it before it locks t's contact.
    const s1 = bulk(t.apiKey, {
      items: [
        { email, metadata: { x: "1" } },
        { aiContactId: t.contactId, metadata: { s1: "late" } },
      ],
    });
    await vi.waitFor(async () => expect(await blockedBy(lockerPid)).toBe(1), WAIT);
    // S2 starts later and commits while S1 waits; a reader reads its first page meanwhile.
    expect((await updateMetadata(t, { s2: "early" })).status).toBe(200);
    const first = await page(t, t.contactId, { limit: "2" });
    expect(await blockedBy(lockerPid)).toBe(1);
    expect((await s1).status).toBe(200);
    await locker;
    // S1 committed last: it is the newest.
    await expectRunOfHistory(t, first, "s1");
  });

  it("lists a write that committed late after taking its number after the writes it held back", async () => {
    const t = await seedTenant();
    // Every field exists already: S1 and S2 create no definitions (which would serialise them on the tenant).
    await updateMetadata(t, { initial: "i", s1: "-", s2: "-" });
    // A trigger delays the commit of S1 (a value starting with "slow-commit-") after its activity
    // row, and so its number, exists.
    // S1's backend names itself while it sleeps, so no other test's sleeping statement is taken for it.
    const marker = `slow-commit-${crypto.randomUUID()}`;
    await query(`CREATE OR REPLACE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM jsonb_array_elements(NEW.changes) c WHERE c ->> 'new_value' LIKE 'slow-commit-%') THEN
          PERFORM set_config('application_name', '${marker}', true);
          PERFORM pg_sleep(3);
        END IF;
        RETURN NULL;
      END $$`);
    await query(`CREATE OR REPLACE TRIGGER test_slow_commit AFTER INSERT ON contact_activities
      FOR EACH ROW EXECUTE FUNCTION test_slow_commit()`);
    const s1 = updateMetadata(t, { s1: `slow-commit-${crypto.randomUUID()}` });
    let s1Pid = 0;
    await vi.waitFor(async () => {
      const [row] = await query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND application_name = $1",
        [marker],
      );
      expect(row).toBeDefined();
      s1Pid = row?.pid ?? 0;
    }, WAIT);
    // S2 starts while S1 sleeps. The contact lock holds it until S1 commits; without it, S2 would
    // commit first with a larger number, and a page read now would hide S1 below it for good.
    const s2 = updateMetadata(t, { s2: "early" });
    await Promise.race([s2, vi.waitFor(async () => expect(await blockedBy(s1Pid)).toBe(1), WAIT)]);
    const first = await page(t, t.contactId, { limit: "2" });
    expect((await s1).status).toBe(200);
    expect((await s2).status).toBe(200);
    await query("DROP TRIGGER test_slow_commit ON contact_activities");
    // S2 waited for S1's commit: it is the newest.
    await expectRunOfHistory(t, first, "s2");
  });
});

/**
 * The first page, then every page after it, read after the late write committed, are a run of
 * the full history from the first page's top: the late write is either on them or newer than
 * everything they show, never hidden between.
 */
async function expectRunOfHistory(t: TenantFixture, first: Page<ActivityEntry>, newest: string) {
  const rest = first.next_cursor
    ? await allPages(t, t.contactId, { limit: "2", cursor: first.next_cursor })
    : [];
  const paged = [...first.data, ...rest].map((e) => e.id);
  const full = (await page(t, t.contactId, { limit: "100" })).data;
  expect(full).toHaveLength(3);
  expect(paged).toEqual(full.slice(full.findIndex((e) => e.id === paged[0])).map((e) => e.id));
  expect(full[0]?.changes[0]?.key).toBe(newest);
}
