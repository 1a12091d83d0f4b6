// The update statement against the real local Postgres (through the Neon proxy): its edge cases,
// without the HTTP edge or the services around it.
import { describe, expect, it } from "vitest";
import { createWebhook } from "../../../scripts/lib/webhooks";
import { activityRows, fieldMap, ledger, query, seedContact, seedTenant } from "../../../test/harness";
import { parseApiKey } from "../../core/auth/api-key";
import { definitionIdFor } from "../../core/fields/definition-id";
import type { Caller } from "../../services/ports";
import { callerOf, store, write } from "./metadata-store.fixtures";

describe("the update statement", () => {
  it("writes nothing for a credential that does not verify", async () => {
    const t = await seedTenant();
    const caller = { ...callerOf(t.apiKey), keyHash: "0".repeat(64) };
    const outcome = await store.apply({
      caller,
      requestId: "r1",
      items: [{ contactId: t.contactId, writes: [write(t.tenantId, "a", "1")] }],
      newDefinitions: [{ id: definitionIdFor(t.tenantId, "a"), key: "a" }],
      learnedAliases: [],
    });
    expect(outcome).toEqual({ status: "unauthorized" });
    expect(await fieldMap(t.contactId)).toEqual({});
    expect(await ledger(t.tenantId)).toEqual([]);
    expect(await activityRows(t.contactId)).toEqual([]);
  });

  it("answers null for a foreign contact and writes nothing for it, nor its new definitions", async () => {
    const owner = await seedTenant();
    const intruder = await seedTenant();
    const mine = await seedContact(intruder.tenantId);
    const outcome = await store.apply({
      caller: callerOf(intruder.apiKey),
      requestId: "r2",
      items: [
        { contactId: owner.contactId, writes: [write(intruder.tenantId, "stolen", "x")] },
        { contactId: mine, writes: [write(intruder.tenantId, "own", "y")] },
      ],
      newDefinitions: [
        { id: definitionIdFor(intruder.tenantId, "stolen"), key: "stolen" },
        { id: definitionIdFor(intruder.tenantId, "own"), key: "own" },
      ],
      learnedAliases: [],
    });
    expect(outcome.status).toBe("ok");
    expect(outcome.status === "ok" && outcome.items.map((i) => i?.map((f) => f.key) ?? null)).toEqual([
      null,
      ["own"],
    ]);
    expect(await fieldMap(owner.contactId)).toEqual({});
    expect((await ledger(intruder.tenantId)).map((d) => d.key)).toEqual(["own"]);
    expect(await activityRows(owner.contactId)).toEqual([]);
  });

  it("applies a delivery once: the same id again is a duplicate and writes nothing", async () => {
    const t = await seedTenant();
    const { token } = await createWebhook(query, t.tenantId);
    const claim = parseApiKey(token, "whk");
    if (!claim) {
      throw new Error("not a webhook token");
    }
    const caller: Caller = { tenantId: claim.tenantId, keyHash: claim.hash, via: "webhook" };
    const apply = (value: string) =>
      store.apply({
        caller,
        requestId: `r-${value}`,
        items: [{ contactId: t.contactId, writes: [write(t.tenantId, "answer", value)] }],
        newDefinitions: [{ id: definitionIdFor(t.tenantId, "answer"), key: "answer" }],
        learnedAliases: [],
        deliveryId: "submission-1",
      });
    expect((await apply("first")).status).toBe("ok");
    expect(await apply("second")).toEqual({ status: "duplicate" });
    expect(await fieldMap(t.contactId)).toEqual({ answer: "first" });
    expect(await activityRows(t.contactId)).toHaveLength(1);
  });

  it("clears a field that was never set: no row, the activity says old and new are null", async () => {
    const t = await seedTenant();
    const outcome = await store.apply({
      caller: callerOf(t.apiKey),
      requestId: "r3",
      items: [{ contactId: t.contactId, writes: [write(t.tenantId, "never_set", null)] }],
      newDefinitions: [],
      learnedAliases: [],
    });
    expect(outcome.status === "ok" && outcome.items[0]).toEqual([
      expect.objectContaining({ key: "never_set", value: null, id: null, created_at: null }),
    ]);
    expect(await ledger(t.tenantId)).toEqual([]);
    expect((await activityRows(t.contactId))[0]?.changes).toEqual([
      { key: "never_set", source_key: "never_set", old_value: null, new_value: null },
    ]);
  });

  it("lands a key planned as new in the field that already owns its name (a stale projection)", async () => {
    const t = await seedTenant();
    const caller = callerOf(t.apiKey);
    const companyId = definitionIdFor(t.tenantId, "company_name");
    // The ledger knows company_name with the alias `empresa`; the planner did not.
    await store.apply({
      caller,
      requestId: "seed",
      items: [{ contactId: t.contactId, writes: [write(t.tenantId, "company_name", "Old")] }],
      newDefinitions: [{ id: companyId, key: "company_name" }],
      learnedAliases: [],
    });
    await store.apply({
      caller,
      requestId: "teach",
      items: [{ contactId: t.contactId, writes: [] }],
      newDefinitions: [],
      learnedAliases: [{ name: "empresa", definitionId: companyId }],
    });
    const outcome = await store.apply({
      caller,
      requestId: "stale",
      items: [{ contactId: t.contactId, writes: [write(t.tenantId, "empresa", "Acme")] }],
      newDefinitions: [{ id: definitionIdFor(t.tenantId, "empresa"), key: "empresa" }],
      learnedAliases: [],
    });
    expect(outcome.status === "ok" && outcome.items[0]).toEqual([
      expect.objectContaining({
        key: "company_name",
        value: "Acme",
        custom_field_definition_id: companyId,
        matched_by: "alias",
      }),
    ]);
    expect(await fieldMap(t.contactId)).toEqual({ company_name: "Acme" });
    // No second definition claims the name.
    expect((await ledger(t.tenantId)).map((d) => [d.key, d.aliases])).toEqual([
      ["company_name", ["empresa"]],
    ]);
  });

  it("refuses itself past the definition limit: nothing at all is written", async () => {
    const t = await seedTenant();
    await query("UPDATE tenants SET definition_limit = 1 WHERE id = $1", [t.tenantId]);
    const outcome = await store.apply({
      caller: callerOf(t.apiKey),
      requestId: "r4",
      items: [{ contactId: t.contactId, writes: [write(t.tenantId, "a", "1"), write(t.tenantId, "b", "2")] }],
      newDefinitions: [
        { id: definitionIdFor(t.tenantId, "a"), key: "a" },
        { id: definitionIdFor(t.tenantId, "b"), key: "b" },
      ],
      learnedAliases: [],
    });
    expect(outcome).toEqual({ status: "limit_exceeded", limit: 1, count: 0, keys: ["a", "b"] });
    expect(await fieldMap(t.contactId)).toEqual({});
    expect(await ledger(t.tenantId)).toEqual([]);
    expect(await activityRows(t.contactId)).toEqual([]);
  });
});
