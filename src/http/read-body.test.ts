import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error";
import { groupFormFields, MAX_FORM_FIELDS } from "./read-body";

/** `count` pairs named `a`, counting how many the parser pulls. */
function repeated(count: number) {
  const pulled = { n: 0 };
  function* pairs(): Generator<[string, string]> {
    for (let i = 0; i < count; i++) {
      pulled.n++;
      yield ["a", "1"];
    }
  }
  return { pairs: pairs(), pulled };
}

describe("form fields", () => {
  it("groups a repeated name into one array, pulling each pair once", () => {
    const { pairs, pulled } = repeated(MAX_FORM_FIELDS);
    const grouped = groupFormFields(pairs) as Record<string, string[]>;
    expect(grouped.a).toHaveLength(MAX_FORM_FIELDS);
    expect(pulled.n).toBe(MAX_FORM_FIELDS);
  });

  it("stops at the first field past the cap: 80,000 repeated pairs are a 413 after 10,001 pulls", () => {
    const { pairs, pulled } = repeated(80_000);
    let thrown: unknown;
    try {
      groupFormFields(pairs);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).status).toBe(413);
    expect((thrown as ApiError).details).toEqual({ max_fields: MAX_FORM_FIELDS });
    expect(pulled.n).toBe(MAX_FORM_FIELDS + 1);
  });

  it("keeps a field named __proto__ as data", () => {
    const grouped = groupFormFields([["__proto__", "x"]]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(grouped)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(grouped, "__proto__")?.value).toBe("x");
  });
});
