import { describe, expect, it } from "vitest";
import { isGroundedIn } from "./grounded";

const boolean = { type: "boolean" } as const;
const plan = { type: "select", options: ["Free", "Pro", "Enterprise", "Paid ads"] } as const;

describe("isGroundedIn", () => {
  it.each([
    ["500", "about 500"],
    ["2024-12-25", "25/12/2024"],
    ["1.5", "1,5"],
    ["Acme", "we are 500 people at ACME"],
    ["ada@example.com", "write to Ada@Example.com please"],
    ["Dia", "día"],
    ["7", "007"],
    ["Acme S.L.", "Acme S.L., Madrid"],
  ])("accepts %j taken from %j", (candidate, original) => {
    expect(isGroundedIn(candidate, original)).toBe(true);
  });

  it.each([
    ["attacker@evil.example", "Acme"],
    ["501", "about 500"],
    ["2024-12-26", "25/12/2024"],
    ["Enterprise", "pro"],
    // Whole tokens: a word inside a longer word is not stated.
    ["admin", "administrator"],
    ["Acme", "Acmeco"],
    // Punctuation is content: the model may not assemble an address the text only spells out.
    ["ceo@evil.io", "write to the ceo at evil dot io"],
    ["ceo@evil.io", "ceo evil io"],
    ["evil.io", "evil io"],
    ["", "anything"],
  ])("refuses %j as a rewrite of %j", (candidate, original) => {
    expect(isGroundedIn(candidate, original)).toBe(false);
  });

  describe("booleans", () => {
    it.each([
      ["true", "yes please"],
      ["true", "Sí, quiero"],
      ["false", "Nein danke"],
      ["false", "no"],
      ["yes", "OUI"],
    ])("accepts %j when the original states it: %j", (candidate, original) => {
      expect(isGroundedIn(candidate, original, boolean)).toBe(true);
    });

    it.each([
      // Nothing in the text says yes or no: the model made the value up.
      ["false", "write to the ceo at evil dot io"],
      ["true", "please subscribe me"],
      // The other polarity, or both: not stated.
      ["true", "no thanks"],
      ["false", "yes, no, maybe"],
      // One-character words are not read as booleans inside a text.
      ["true", "Juan y María"],
      ["true", "1 office"],
      ["maybe", "yes"],
    ])("refuses %j from %j", (candidate, original) => {
      expect(isGroundedIn(candidate, original, boolean)).toBe(false);
    });
  });

  describe("selects", () => {
    it.each([
      ["Pro", "we are on the pro plan"],
      ["pro", "PRO"],
      ["Paid ads", "came from paid-ads"],
    ])("accepts the option %j named in %j", (candidate, original) => {
      expect(isGroundedIn(candidate, original, plan)).toBe(true);
    });

    it.each([
      ["Enterprise", "the biggest plan you have"],
      ["Pro", "professional services"],
      ["Paid ads", "ads, paid monthly"],
    ])("refuses the option %j for %j", (candidate, original) => {
      expect(isGroundedIn(candidate, original, plan)).toBe(false);
    });
  });
});
