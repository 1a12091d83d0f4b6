import fc from "fast-check";
import { describe, it } from "vitest";
import {
  apiKeyHeader,
  check,
  GROUPS,
  mangled,
  objectBody,
  routesNeverBreak,
  withBody,
  worlds,
} from "./bad-input";

describe("generated bad input never breaks the update routes", () => {
  routesNeverBreak(GROUPS.updates);

  it("JSON bodies of update-metadata: 300 more, the original property", { timeout: 300_000 }, async () => {
    const world = worlds();
    await fc.assert(
      fc.asyncProperty(fc.oneof(objectBody, mangled), async (body) => {
        await check(world, (w) =>
          withBody("POST", `/api/public/contact/${w.contactId}/update-metadata`, apiKeyHeader(w), [
            body,
            "application/json",
          ]),
        );
      }),
      { numRuns: 300 },
    );
  });
});
