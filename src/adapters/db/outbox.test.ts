// The outbox fragment inside the update statement, against the real local Postgres: what `apply`
// returns as event ids is exactly what it committed to contact_events.
import { describe, expect, it } from "vitest";
import { query, seedContact, seedTenant } from "../../../test/harness";
import { definitionIdFor } from "../../core/fields/definition-id";
import { callerOf, store, write } from "./metadata-store.fixtures";

const eventsOf = (tenantId: string) =>
  query<{ id: string; contact_id: string; seq: string; type: string }>(
    "SELECT id, contact_id, seq, type FROM contact_events WHERE tenant_id = $1 ORDER BY contact_id, seq",
    [tenantId],
  );

describe("the outbox of the update statement", () => {
  it("returns the ids of the events it committed: one per changed contact, contact.created for a born one", async () => {
    const t = await seedTenant();
    const unchanged = await seedContact(t.tenantId);
    const caller = callerOf(t.apiKey);
    const defs = ["plan", "seats"].map((key) => ({ id: definitionIdFor(t.tenantId, key), key }));
    const first = await store.apply({
      caller,
      requestId: "r1",
      items: [{ contactId: unchanged, writes: [write(t.tenantId, "plan", "free")] }],
      newDefinitions: defs,
      learnedAliases: [],
    });
    expect(first.status === "ok" && first.eventIds).toHaveLength(1);

    const born = crypto.randomUUID();
    const outcome = await store.apply({
      caller,
      requestId: "r2",
      items: [
        { contactId: t.contactId, writes: [write(t.tenantId, "plan", "pro")] },
        // Written again unchanged: no event.
        { contactId: unchanged, writes: [write(t.tenantId, "plan", "free")] },
        { contactId: born, writes: [write(t.tenantId, "seats", "3")] },
        // Another tenant's contact, or none: nothing.
        { contactId: crypto.randomUUID(), writes: [write(t.tenantId, "plan", "x")] },
      ],
      newDefinitions: defs,
      learnedAliases: [],
      create: [{ id: born, name: "Grace", email: null, phone: null }],
    });
    if (outcome.status !== "ok") {
      throw new Error(`apply: ${outcome.status}`);
    }
    const rows = (await eventsOf(t.tenantId)).filter(
      (e) => e.id !== (first.status === "ok" && first.eventIds[0]),
    );
    expect([...outcome.eventIds].sort()).toEqual(rows.map((e) => e.id).sort());
    expect(rows.map((e) => [e.contact_id, e.seq, e.type]).sort()).toEqual(
      [
        [t.contactId, "1", "contact.metadata_updated"],
        [born, "1", "contact.created"],
      ].sort(),
    );
    const [contact] = await query<{ event_seq: string }>("SELECT event_seq FROM contacts WHERE id = $1", [
      born,
    ]);
    expect(contact?.event_seq).toBe("1");
  });

  it("a statement that changes nothing returns no event ids", async () => {
    const t = await seedTenant();
    const outcome = await store.apply({
      caller: callerOf(t.apiKey),
      requestId: "r3",
      items: [{ contactId: t.contactId, writes: [write(t.tenantId, "never_set", null)] }],
      newDefinitions: [],
      learnedAliases: [],
    });
    expect(outcome.status === "ok" && outcome.eventIds).toEqual([]);
    expect(await eventsOf(t.tenantId)).toEqual([]);
  });
});
