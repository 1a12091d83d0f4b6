import { describe, expect, it } from "vitest";
import { normalizeEntries } from "./normalize-entries";

const e = (sourceKey: string, value: string | null = "v") => ({ sourceKey, value });

describe("normalizeEntries", () => {
  it("converts keys to snake_case", () => {
    expect(normalizeEntries([e("companyName"), e("LeadScore"), e("Company Size")]).map((f) => f.key)).toEqual(
      ["company_name", "lead_score", "company_size"],
    );
  });
  it("folds case and accents so Teléfono, telefono and TELEFONO are one key", () => {
    const fields = normalizeEntries([e("Teléfono", "1"), e("telefono", "2"), e("TELEFONO", "3")]);
    expect(fields).toHaveLength(1);
    expect(fields[0]).toMatchObject({
      key: "telefono",
      value: "3",
      sourceKey: "TELEFONO",
      overrides: ["Teléfono", "telefono"],
    });
  });
  it("lets the later of two colliding keys win", () => {
    const fields = normalizeEntries([e("companyName", "first"), e("other"), e("company_name", "second")]);
    expect(fields.map((f) => [f.key, f.value])).toEqual([
      ["other", "v"],
      ["company_name", "second"],
    ]);
  });
  it("rejects keys that convert to nothing or are too long, naming all of them", () => {
    const long = "k".repeat(256);
    expect(() => normalizeEntries([e("ok"), e("!!!"), e(""), e(long)])).toThrowError(
      expect.objectContaining({
        code: "INVALID_INPUT",
        details: {
          invalid_keys: [
            { key: "!!!", reason: "converts to an empty field key" },
            { key: "", reason: "converts to an empty field key" },
            { key: long.slice(0, 64), reason: "longer than 255 characters" },
          ],
        },
      }),
    );
  });
  it("accepts a key of exactly 255 characters", () => {
    expect(normalizeEntries([e("k".repeat(255))])[0]?.key).toHaveLength(255);
  });
});
