import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { DOCUMENT_PATH, documentText } from "../../scripts/build-openapi";

it("the committed OpenAPI document is what the zod schemas produce (run `npm run openapi` if not)", () => {
  expect(readFileSync(DOCUMENT_PATH, "utf8")).toBe(documentText());
});
