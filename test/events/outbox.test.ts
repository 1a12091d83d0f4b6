// The transactional outbox: events are rows written by the same statement as the values.
import { describe, expect, it } from "vitest";
import { createWebhook } from "../../scripts/lib/webhooks";
import { call, fieldMap, postJson, query, seedContact, seedTenant, updateMetadata } from "../harness";
import { eventRows } from "./helpers";

const changes = async (contactId: string) =>
  (await eventRows(contactId)).map((e) => [Number(e.seq), e.type, e.payload.changes]);

describe("the outbox row of an update", () => {
  it("is one event per request listing only the values that changed", async () => {
    const t = await seedTenant();
    const first = await updateMetadata(t, { plan: "free", seats: "5" });
    expect(first.status).toBe(200);
    // plan written again unchanged: only seats changed.
    expect((await updateMetadata(t, { plan: "free", seats: 6 })).status).toBe(200);
    // Nothing changed at all: no event.
    expect((await updateMetadata(t, { plan: "free", seats: "6" })).status).toBe(200);
    // Clearing a value that exists is a change; clearing one that does not is not.
    expect((await updateMetadata(t, { seats: null, never_set: null })).status).toBe(200);
    expect((await updateMetadata(t, { never_set: null })).status).toBe(200);

    expect(await changes(t.contactId)).toEqual([
      [
        1,
        "contact.metadata_updated",
        [
          { key: "plan", old_value: null, new_value: "free" },
          { key: "seats", old_value: null, new_value: "5" },
        ],
      ],
      [2, "contact.metadata_updated", [{ key: "seats", old_value: "5", new_value: "6" }]],
      [3, "contact.metadata_updated", [{ key: "seats", old_value: "6", new_value: null }]],
    ]);
    const [event] = await eventRows(t.contactId);
    expect(event?.request_id).toBe(first.headers.get("x-request-id"));
    const [key] = await query<{ prefix: string }>("SELECT prefix FROM api_keys WHERE tenant_id = $1", [
      t.tenantId,
    ]);
    expect(event?.actor).toEqual({ api_key_prefix: key?.prefix });
  });

  it("names the form-builder webhook as the actor of a submission", async () => {
    const t = await seedTenant();
    const webhook = await createWebhook(query, t.tenantId);
    const res = await postJson(webhook.path, undefined, { ai_contact_id: t.contactId, plan: "pro" });
    expect(res.status, await res.clone().text()).toBe(200);
    const [event] = await eventRows(t.contactId);
    expect(event?.actor).toEqual({ webhook_id: webhook.webhook_id });
    expect(event?.payload.changes).toEqual([{ key: "plan", old_value: null, new_value: "pro" }]);
  });

  it("a new contact has one event, contact.created (sequence 1), carrying the metadata it was created with", async () => {
    const t = await seedTenant();
    const res = await postJson("/api/public/contact", t.apiKey, {
      name: "Grace",
      email: "grace@example.com",
      metadata: { plan: "pro", seats: 5, cleared: null },
    });
    expect(res.status).toBe(201);
    const { id } = await res.json<{ id: string }>();
    const events = await eventRows(id);
    expect(events.map((e) => [Number(e.seq), e.type, e.payload])).toEqual([
      [
        1,
        "contact.created",
        {
          changes: [
            { key: "plan", old_value: null, new_value: "pro" },
            { key: "seats", old_value: null, new_value: "5" },
          ],
          contact: { name: "Grace", email: "grace@example.com", phone: null },
        },
      ],
    ]);
    expect(events[0]?.request_id).toBe(res.headers.get("x-request-id"));
    // Its next change continues the contact's sequence.
    expect((await updateMetadata({ ...t, contactId: id }, { plan: "team" })).status).toBe(200);
    expect((await eventRows(id)).map((e) => [Number(e.seq), e.type])).toEqual([
      [1, "contact.created"],
      [2, "contact.metadata_updated"],
    ]);
  });

  it("a new contact without metadata: contact.created with no changes", async () => {
    const t = await seedTenant();
    const res = await postJson("/api/public/contact", t.apiKey, { phone: "+34 600 000 000" });
    expect(res.status).toBe(201);
    const { id } = await res.json<{ id: string }>();
    expect((await eventRows(id)).map((e) => [Number(e.seq), e.type, e.payload])).toEqual([
      [1, "contact.created", { changes: [], contact: { name: null, email: null, phone: "+34600000000" } }],
    ]);
  });

  it("a contact that could not be created has no event (a bad key refuses the whole request)", async () => {
    const t = await seedTenant();
    const res = await postJson("/api/public/contact", t.apiKey, { name: "Nobody", metadata: { "!!!": "x" } });
    expect(res.status).toBe(400);
    const [{ n } = { n: "-1" }] = await query<{ n: string }>(
      "SELECT count(*) AS n FROM contact_events WHERE tenant_id = $1",
      [t.tenantId],
    );
    expect(n).toBe("0");
  });

  it("bulk: one event per contact that changed, none for a failed item", async () => {
    const t = await seedTenant();
    const other = await seedContact(t.tenantId);
    const unchanged = await seedContact(t.tenantId);
    await updateMetadata(t, { plan: "free" }, unchanged);
    const foreign = await seedTenant("another tenant");
    const res = await postJson("/api/public/contacts/update-metadata", t.apiKey, {
      items: [
        { aiContactId: t.contactId, metadata: { plan: "pro" } },
        { aiContactId: other, metadata: { plan: "team", seats: "3" } },
        { aiContactId: unchanged, metadata: { plan: "free" } },
        { aiContactId: foreign.contactId, metadata: { plan: "stolen" } },
      ],
    });
    expect(res.status).toBe(200);
    expect(await changes(t.contactId)).toEqual([
      [1, "contact.metadata_updated", [{ key: "plan", old_value: null, new_value: "pro" }]],
    ]);
    expect((await changes(other)).map(([seq, , c]) => [seq, (c as unknown[]).length])).toEqual([[1, 2]]);
    expect(await changes(unchanged)).toHaveLength(1);
    expect(await eventRows(foreign.contactId)).toEqual([]);
  });
});

describe("a failed update writes no event", () => {
  it("400: a bad key never reaches the statement", async () => {
    const t = await seedTenant();
    expect((await updateMetadata(t, { "!!!": "x", plan: "pro" })).status).toBe(400);
    expect(await eventRows(t.contactId)).toEqual([]);
  });

  it("404: a contact that does not exist, or another tenant's", async () => {
    const t = await seedTenant();
    const other = await seedTenant("another tenant");
    expect((await updateMetadata(t, { plan: "pro" }, other.contactId)).status).toBe(404);
    expect((await updateMetadata(t, { plan: "pro" }, crypto.randomUUID())).status).toBe(404);
    expect(await eventRows(other.contactId)).toEqual([]);
    const [{ n } = { n: "-1" }] = await query<{ n: string }>(
      "SELECT count(*) AS n FROM contact_events WHERE tenant_id = $1",
      [t.tenantId],
    );
    expect(n).toBe("0");
  });

  it("500: a statement that fails after writing values leaves neither values nor event", async () => {
    const t = await seedTenant();
    await query(`CREATE OR REPLACE FUNCTION fail_on_event_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.value = 'EVENT-BOOM' THEN RAISE EXCEPTION 'forced failure'; END IF; RETURN NEW; END $$`);
    await query(`CREATE OR REPLACE TRIGGER fail_on_event_boom BEFORE INSERT OR UPDATE ON contact_field_values
      FOR EACH ROW EXECUTE FUNCTION fail_on_event_boom()`);
    expect((await updateMetadata(t, { first: "written?", boom: "EVENT-BOOM" })).status).toBe(500);
    expect(await fieldMap(t.contactId)).toEqual({});
    expect(await eventRows(t.contactId)).toEqual([]);
  });

  it("and the other way round: an event that cannot be written takes the values with it", async () => {
    const t = await seedTenant();
    await query(`CREATE OR REPLACE FUNCTION fail_on_event_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.payload::text LIKE '%OUTBOX-BOOM%' THEN RAISE EXCEPTION 'forced failure'; END IF; RETURN NEW; END $$`);
    await query(`CREATE OR REPLACE TRIGGER fail_on_event_row BEFORE INSERT ON contact_events
      FOR EACH ROW EXECUTE FUNCTION fail_on_event_row()`);
    expect((await updateMetadata(t, { first: "written?", boom: "OUTBOX-BOOM" })).status).toBe(500);
    expect(await fieldMap(t.contactId)).toEqual({});
    const [{ seq } = { seq: "-1" }] = await query<{ seq: string }>(
      "SELECT event_seq AS seq FROM contacts WHERE id = $1",
      [t.contactId],
    );
    expect(seq).toBe("0");
  });
});

describe("commit order per contact", () => {
  it("100 concurrent updates of one contact: 100 events, sequences 1..100, old and new values chained", async () => {
    const t = await seedTenant();
    const sent = Array.from({ length: 100 }, (_, i) => `v${i}`);
    const responses = await Promise.all(sent.map((value) => updateMetadata(t, { plan: value })));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));

    const events = await eventRows(t.contactId);
    expect(events.map((e) => Number(e.seq))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // In sequence order each event starts from the value the previous one left: the sequence is
    // the order in which the writes committed, and no write saw a stale old value.
    let previous: string | null = null;
    for (const event of events) {
      const [change] = event.payload.changes;
      expect(event.payload.changes).toHaveLength(1);
      expect(change?.old_value).toBe(previous);
      previous = change?.new_value ?? null;
    }
    expect(new Set(events.map((e) => e.payload.changes[0]?.new_value))).toEqual(new Set(sent));
    // The last event tells the value that stayed.
    expect((await fieldMap(t.contactId)).plan).toBe(previous);
    const info = await call(`/api/public/contact/${t.contactId}/info`, {
      headers: { "x-api-key": t.apiKey },
    });
    expect((await info.json<{ metadata: Record<string, string> }>()).metadata.plan).toBe(previous);
  });
});
