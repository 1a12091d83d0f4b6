import { describe, expect, it } from "vitest";
import { isGroundedIn } from "./grounded";

describe("isGroundedIn", () => {
  it.each([
    ["500", "about 500"],
    ["2024-12-25", "25/12/2024"],
    ["Acme", "we are 500 people at ACME"],
    ["ada@example.com", "write to Ada@Example.com please"],
    ["Dia", "día"],
    ["true", "yes please"],
    ["7", "007"],
  ])("accepts %j taken from %j", (candidate, original) => {
    expect(isGroundedIn(candidate, original)).toBe(true);
  });

  it.each([
    ["attacker@evil.example", "Acme"],
    ["501", "about 500"],
    ["2024-12-26", "25/12/2024"],
    ["Enterprise", "pro"],
  ])("refuses %j as a rewrite of %j", (candidate, original) => {
    expect(isGroundedIn(candidate, original)).toBe(false);
  });
});
