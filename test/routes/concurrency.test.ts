import { describe, expect, it, vi } from "vitest";
import {
  activityRows,
  call,
  fieldMap,
  ledger,
  ledgerVersion,
  projectionOf,
  putField,
  query,
  seedTenant,
  updateMetadata,
} from "../harness";

describe("concurrent updates of one contact", () => {
  it("keeps all 100 fields set by 100 concurrent requests (each setting a different field)", async () => {
    const t = await seedTenant();
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => updateMetadata(t, { [`field_${i}`]: `value ${i}` })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    const fields = await fieldMap(t.contactId);
    expect(Object.keys(fields)).toHaveLength(100);
    for (let i = 0; i < 100; i++) {
      expect(fields[`field_${i}`]).toBe(`value ${i}`);
    }
    expect(await activityRows(t.contactId)).toHaveLength(100);
  });

  it("leaves one of the values sent when concurrent requests set the same field", async () => {
    const t = await seedTenant();
    const sent = Array.from({ length: 100 }, (_, i) => `v${i}`);
    const responses = await Promise.all(sent.map((v) => updateMetadata(t, { same: v })));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(sent).toContain((await fieldMap(t.contactId)).same);
    expect(await activityRows(t.contactId)).toHaveLength(100);
  });
});

describe("concurrent changes to one tenant's definitions (issues 10 and 12)", () => {
  it("50 learning requests with new keys, racing PUTs and DELETEs of curated definitions: nothing lost, no edit undone, nothing resurrected", {
    timeout: 120_000,
  }, async () => {
    const t = await seedTenant();
    const curated = Array.from({ length: 20 }, (_, i) => `curated_${String(i).padStart(2, "0")}`);
    for (const key of curated) {
      expect((await putField(t, key, { label: `Curated ${key}`, type: "number" })).status).toBe(201);
    }
    const edited = curated.slice(0, 10);
    const deleted = curated.slice(10);
    const learned = Array.from({ length: 50 }, (_, i) => `learned_${i}`);

    const responses = await Promise.all([
      ...learned.map((key) => updateMetadata(t, { [key]: `value of ${key}` })),
      ...edited.map((key) =>
        putField(t, key, {
          label: `Edited ${key}`,
          type: "select",
          options: ["a", "b"],
          description: "edited",
        }),
      ),
      ...deleted.map((key) =>
        call(`/api/public/custom-fields/${key}`, { method: "DELETE", headers: { "x-api-key": t.apiKey } }),
      ),
    ]);
    expect(responses.map((r) => r.status)).toEqual([
      ...learned.map(() => 200),
      ...edited.map(() => 200),
      ...deleted.map(() => 200),
    ]);

    const expected = [...learned, ...edited].sort();
    const definitions = await ledger(t.tenantId);
    // 0 definitions lost, 0 deleted ones resurrected.
    expect(definitions.map((d) => d.key)).toEqual(expected);
    // 0 curated edits lost.
    const rows = await query<{ key: string; label: string; type: string; description: string | null }>(
      "SELECT key, label, type, description FROM field_definitions WHERE tenant_id = $1 AND deleted_at IS NULL AND key LIKE 'curated_%' ORDER BY key",
      [t.tenantId],
    );
    expect(rows).toEqual(
      edited.map((key) => ({ key, label: `Edited ${key}`, type: "select", description: "edited" })),
    );
    const [counts] = await query<{ definition_count: number }>(
      "SELECT definition_count FROM tenants WHERE id = $1",
      [t.tenantId],
    );
    expect(counts?.definition_count).toBe(expected.length);
    // Every value landed.
    expect(Object.keys(await fieldMap(t.contactId)).sort()).toEqual([...learned].sort());

    // The KV projection catches up with the ledger, whole: same version, same definitions.
    await vi.waitFor(
      async () => {
        const projection = await projectionOf(t.tenantId);
        expect(projection?.version).toBe(await ledgerVersion(t.tenantId));
        expect(projection?.definitions.map((d) => [d.key, d.type]).sort()).toEqual(
          definitions.map((d) => [d.key, d.type]).sort(),
        );
      },
      { timeout: 20_000, interval: 200 },
    );
  });
});
