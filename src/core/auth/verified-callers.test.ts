import { expect, it } from "vitest";
import { VerifiedCallers } from "./verified-callers";

it("remembers a verified key until its TTL passes", () => {
  let now = 0;
  const cache = new VerifiedCallers(1000, () => now);
  expect(cache.has("h")).toBe(false);
  cache.remember("h");
  now = 999;
  expect(cache.has("h")).toBe(true);
  now = 1000;
  expect(cache.has("h")).toBe(false);
});
