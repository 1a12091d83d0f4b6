import { describe, expect, it } from "vitest";
import { TenantRecordCache } from "./field-definition-store";

const record = { definitions: [] };

describe("TenantRecordCache", () => {
  it("serves a record until its TTL passes", () => {
    let now = 0;
    const cache = new TenantRecordCache(1000, () => now);
    cache.set("t1", record, 10);
    now = 999;
    expect(cache.get("t1")).toBe(record);
    now = 1000;
    expect(cache.get("t1")).toBeUndefined();
  });

  it("stays under its byte budget by dropping the oldest records, and never keeps a huge one", () => {
    const cache = new TenantRecordCache(60_000, () => 0, 100);
    cache.set("a", record, 20);
    cache.set("b", record, 20);
    cache.set("c", record, 20);
    cache.set("d", record, 20);
    cache.set("e", record, 20);
    cache.set("f", record, 20);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("f")).toBe(record);
    cache.set("huge", record, 26);
    expect(cache.get("huge")).toBeUndefined();
    cache.set("f", record, 20);
    expect(cache.get("b")).toBe(record);
  });
});
