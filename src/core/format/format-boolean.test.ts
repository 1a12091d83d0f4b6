import { describe, expect, it } from "vitest";
import { formatBoolean } from "./format-boolean";

describe("formatBoolean", () => {
  it.each([
    "true",
    "TRUE",
    "yes",
    "Yes",
    "y",
    "Y",
    "sí",
    "SÍ",
    "si",
    "1",
    "on",
    "ON",
    "verdadero",
    "Oui",
    "ja",
    " yes ",
  ])("reads %j as true", (input) => {
    expect(formatBoolean(input)).toEqual({ value: "true" });
  });

  it.each(["false", "False", "no", "NO", "n", "0", "off", "falso", "FALSO", "non", "Nein", " no "])(
    "reads %j as false",
    (input) => {
      expect(formatBoolean(input)).toEqual({ value: "false" });
    },
  );

  it.each(["maybe", "", "2", "yes please", "t", "-1", "nope", "0.0"])("flags %j, kept as sent", (input) => {
    const result = formatBoolean(input);
    expect(result.value).toBe(input);
    expect(result.warning).toMatch(/^Not a boolean: /);
  });
});
