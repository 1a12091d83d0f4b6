import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { budgetSpent, monthOf } from "./llm-budget";
import { usageRange } from "./usage-range";

const at = (iso: string) => new Date(iso);

describe("usageRange", () => {
  it("defaults to the current month up to today", () => {
    expect(usageRange({}, at("2026-11-25T23:59:59Z"))).toEqual({ from: "2026-11-01", to: "2026-11-25" });
  });
  it("ends a past month at its last day, and a lone `to` starts at its month's first", () => {
    expect(usageRange({ from: "2024-02-10" }, at("2026-11-25T00:00:00Z"))).toEqual({
      from: "2024-02-10",
      to: "2024-02-29",
    });
    expect(usageRange({ to: "2026-10-15" }, at("2026-11-25T00:00:00Z"))).toEqual({
      from: "2026-10-01",
      to: "2026-10-15",
    });
  });
  it("allows 366 days, no more, and refuses impossible dates and reversed ranges", () => {
    const now = at("2026-11-25T00:00:00Z");
    expect(usageRange({ from: "2024-01-01", to: "2024-12-31" }, now)).toEqual({
      from: "2024-01-01",
      to: "2024-12-31",
    });
    for (const bad of [
      { from: "2024-01-01", to: "2025-01-01" },
      { from: "2026-02-29" },
      { from: "2026-13-01" },
      { from: "26-11-01" },
      { from: "2026-11-02", to: "2026-11-01" },
    ]) {
      expect(() => usageRange(bad, now)).toThrow(DomainError);
    }
  });
});

describe("llm budget", () => {
  it("is spent at the budget, never without one", () => {
    expect(budgetSpent({ month: "2026-11", budget: 100, spent: 99 })).toBe(false);
    expect(budgetSpent({ month: "2026-11", budget: 100, spent: 100 })).toBe(true);
    expect(budgetSpent({ month: "2026-11", budget: 0, spent: 0 })).toBe(true);
    expect(budgetSpent({ month: "2026-11", budget: null, spent: 10 ** 9 })).toBe(false);
    expect(monthOf(at("2026-11-30T23:59:59.999Z"))).toBe("2026-11");
  });
});
