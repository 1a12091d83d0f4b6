import { describe, expect, it } from "vitest";
import { confusableSkeleton } from "./confusable";

describe("confusableSkeleton", () => {
  it.each([
    // Cyrillic с (U+0441) for the Latin c.
    ["\u0441ompany_name", "company_name"],
    // Cyrillic upper-case С and а, Greek Ε and ο.
    ["\u0421ompany N\u0430me", "company_name"],
    ["\u0395mail", "email"],
    ["ph\u03bfne", "phone"],
    // Armenian օ, Latin dotless ı.
    ["w\u0585rk_ema\u0131l", "work_email"],
    ["ＣＯＭＰＡＮＹ＿ＮＡＭＥ", "company_name"],
    ["emai1", "email"],
    ["cornpany", "company"],
    ["companyname", "company_name"],
    // Keys are case-insensitive, so case never makes two skeletons.
    ["Industry", "industry"],
  ])("%j looks like %j", (lookAlike, original) => {
    expect(confusableSkeleton(lookAlike)).toBe(confusableSkeleton(original));
  });

  it.each([
    ["company_size", "company_name"],
    ["email2", "email"],
    ["name", "nome"],
  ])("%j does not look like %j", (a, b) => {
    expect(confusableSkeleton(a)).not.toBe(confusableSkeleton(b));
  });
});
