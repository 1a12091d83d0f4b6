import { describe, expect, it } from "vitest";
import { BoundedCache } from "./bounded-cache";
import { VerifiedCallers } from "./verified-callers";

describe("VerifiedCallers", () => {
  it("answers within a window, and forgets past its TTL", () => {
    let now = 0;
    const cache = new VerifiedCallers(() => now, { ttlMs: 1000, maxEntries: 10 });
    expect(cache.within("h", 1000)).toBe(false);
    cache.remember("h");
    now = 400;
    expect(cache.within("h", 500)).toBe(true);
    now = 600;
    expect(cache.within("h", 500)).toBe(false);
    expect(cache.within("h", 1000)).toBe(true);
    now = 1000;
    expect(cache.within("h", 5000)).toBe(false);
  });

  it("forgets a key a statement refused, so the next use is checked again", () => {
    const cache = new VerifiedCallers(() => 0, { ttlMs: 60_000, maxEntries: 10 });
    cache.remember("h");
    cache.forget("h");
    expect(cache.within("h", 60_000)).toBe(false);
    expect(cache.size).toBe(0);
  });

  it("never holds more than its bound, however many keys are sent", () => {
    const cache = new VerifiedCallers(() => 0, { ttlMs: 60_000, maxEntries: 100 });
    for (let i = 0; i < 10_000; i++) {
      cache.remember(`h${i}`);
    }
    expect(cache.size).toBe(100);
    expect(cache.within("h9999", 1)).toBe(true);
    expect(cache.within("h0", 1)).toBe(false);
  });
});

describe("BoundedCache", () => {
  it("drops expired entries when new ones arrive, not only when read", () => {
    let now = 0;
    const cache = new BoundedCache<string>({ ttlMs: 10, maxEntries: 1000, clock: () => now });
    for (let i = 0; i < 500; i++) {
      cache.set(`k${i}`, "v");
    }
    now = 20;
    cache.set("fresh", "v");
    expect(cache.size).toBe(1);
  });

  it("bounds bytes, oldest first, and refuses an entry larger than a quarter of the budget", () => {
    const cache = new BoundedCache<string>({ ttlMs: 1000, maxEntries: 1000, maxBytes: 100, clock: () => 0 });
    cache.set("a", "a", 20);
    cache.set("b", "b", 20);
    cache.set("c", "c", 20);
    cache.set("d", "d", 20);
    cache.set("e", "e", 25);
    expect(cache.bytes).toBeLessThanOrEqual(100);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("e")).toBe("e");
    cache.set("huge", "x", 26);
    expect(cache.get("huge")).toBeUndefined();
  });
});
