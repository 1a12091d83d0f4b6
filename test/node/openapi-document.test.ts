import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { DOCUMENT_PATH, documentText, TYPES_PATH, typesText } from "../../scripts/build-openapi";

it("the committed OpenAPI document is what the zod schemas produce (run `npm run openapi` if not)", () => {
  expect(readFileSync(DOCUMENT_PATH, "utf8")).toBe(documentText());
});

it("the example client's types are what openapi-typescript makes of that document (run `npm run openapi` if not)", async () => {
  expect(readFileSync(TYPES_PATH, "utf8")).toBe(await typesText(readFileSync(DOCUMENT_PATH, "utf8")));
});
