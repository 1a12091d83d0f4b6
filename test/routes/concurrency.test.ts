import { describe, expect, it } from "vitest";
import { activityRows, fieldMap, seedTenant, updateMetadata } from "../harness";

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
