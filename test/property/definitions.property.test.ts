import { describe, expect, it } from "vitest";
import { check, FOUND, GROUPS, ROUTES, routesNeverBreak, worlds } from "./bad-input";

describe("generated bad input never breaks the definition and contact routes", () => {
  it.each(FOUND)("$found: a 400 with the error body, nothing written", async ({ request }) => {
    expect(await check(worlds(), request)).toBe(400);
  });

  routesNeverBreak(GROUPS.definitions);

  it("every generated route is run by one of the property test files", () => {
    expect(Object.values(GROUPS).flat().sort()).toEqual(ROUTES.map((r) => r.route).sort());
  });
});
