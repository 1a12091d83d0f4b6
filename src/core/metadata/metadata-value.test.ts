import { describe, expect, it } from "vitest";
import { toStoredValue } from "./metadata-value";
import { parseJsonBody } from "./parse-json-body";

const stored = (json: string) => parseJsonBody(json).map((e) => toStoredValue(e.value));

describe("value rules (docs/contract.md, the values table)", () => {
  it("keeps strings as they are", () => {
    expect(stored('{"a": "Acme  Corp "}')).toEqual(["Acme  Corp "]);
  });
  it("keeps the exact digits of numbers, big or fractional", () => {
    expect(stored('{"a": 95, "b": 12345678901234567890, "c": 1.50, "d": -0.0, "e": 1e3}')).toEqual([
      "95",
      "12345678901234567890",
      "1.50",
      "-0.0",
      "1e3",
    ]);
  });
  it("writes booleans as true/false", () => {
    expect(stored('{"a": true, "b": false}')).toEqual(["true", "false"]);
  });
  it("stores objects as their JSON text with exact numbers", () => {
    expect(
      stored('{"a": {"x": 1, "big": 99999999999999999999, "s": "q\\"", "n": null, "l": [1, 2]}}'),
    ).toEqual(['{"x":1,"big":99999999999999999999,"s":"q\\"","n":null,"l":[1,2]}']);
  });
  it("joins arrays with a comma and a space, converting each element", () => {
    expect(
      stored(
        '{"a": ["a", "b"], "b": [1, true, {"k": 2}], "c": [], "d": ["x", null, "y"], "e": [["p", "q"], "r"]}',
      ),
    ).toEqual(["a, b", '1, true, {"k":2}', "", "x, y", "p, q, r"]);
  });
  it("turns null into a clear (null)", () => {
    expect(stored('{"a": null}')).toEqual([null]);
  });
});

describe("body shapes", () => {
  it("unwraps a body whose only key is metadata holding an object", () => {
    expect(parseJsonBody('{"metadata": {"a": "1"}}')).toEqual([{ sourceKey: "a", value: "1" }]);
  });
  it("does not unwrap metadata next to other keys, or a non-object metadata", () => {
    expect(parseJsonBody('{"metadata": {"a": "1"}, "b": "2"}').map((e) => e.sourceKey)).toEqual([
      "metadata",
      "b",
    ]);
    expect(parseJsonBody('{"metadata": "plain"}')).toEqual([{ sourceKey: "metadata", value: "plain" }]);
  });
  it.each([
    ["[1, 2]", "array"],
    ['"text"', "string"],
    ["null", "null"],
    ["42", "number"],
  ])("rejects %s as not an object", (body, received) => {
    expect(() => parseJsonBody(body)).toThrowError(
      expect.objectContaining({ code: "INVALID_INPUT", details: { received } }),
    );
  });
  it("rejects invalid JSON with a 400 error", () => {
    expect(() => parseJsonBody('{"a": ')).toThrowError(expect.objectContaining({ code: "INVALID_INPUT" }));
  });
  it("keeps __proto__ as a plain key without touching any prototype", () => {
    const entries = parseJsonBody('{"__proto__": {"polluted": "yes"}, "a": "1"}');
    expect(entries.map((e) => e.sourceKey)).toEqual(["__proto__", "a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
