import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compactKey, toFieldKey } from "./field-key";

describe("toFieldKey", () => {
  it.each([
    ["Company Name", "company_name"],
    ["Teléfono", "telefono"],
    ["dateOfBirth", "date_of_birth"],
    // Compatibility forms NFKC turns into plain letters: fullwidth, a ligature, mathematical bold.
    ["ＥＭＡＩＬ", "email"],
    ["ﬁrst name", "first_name"],
    ["𝐞𝐦𝐚𝐢𝐥", "email"],
    ["Nº empleados", "no_empleados"],
  ])("%j -> %j", (sent, key) => {
    expect(toFieldKey(sent)).toBe(key);
  });

  it("returns canonical ASCII keys as they are, exactly what the full conversion makes of them", () => {
    const canonical = fc.stringMatching(/^[a-z0-9]{1,8}(?:_[a-z0-9]{1,8}){0,4}$/);
    // A surrounding space is not canonical, so it takes the full conversion, which drops it.
    fc.assert(fc.property(canonical, (key) => toFieldKey(key) === key && toFieldKey(` ${key} `) === key));
  });

  it("keeps a Cyrillic look-alike apart from the Latin key (the skeleton warns about it instead)", () => {
    expect(toFieldKey("сompany_name")).not.toBe("company_name");
  });
});

describe("compactKey", () => {
  it.each([
    ["e_mail", "email"],
    ["E-mail", "email"],
    ["first_name", "firstname"],
    ["Web Site", "website"],
    ["Address Line 1", "addressline1"],
    ["Código Postal", "codigopostal"],
    ["ｅ－ｍａｉｌ", "email"],
  ])("%j -> %j", (sent, compact) => {
    expect(compactKey(sent)).toBe(compact);
  });
});
