// `npm run openapi`: writes the OpenAPI document the Worker serves (see src/openapi/document.ts),
// then the TypeScript types of the typed client example (examples/) generated from it.
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { buildDocument } from "../src/openapi/document";

export const DOCUMENT_PATH = new URL("../src/generated/openapi.json", import.meta.url).pathname;
export const TYPES_PATH = new URL("../examples/generated/api.d.ts", import.meta.url).pathname;

export const documentText = (): string => `${JSON.stringify(buildDocument(), null, 2)}\n`;

/** The part of openapi-typescript's module used here (its own types resolve only from examples/). */
interface OpenApiTypescript {
  default: (schema: unknown) => Promise<unknown>;
  astToString: (ast: unknown) => string;
  COMMENT_HEADER: string;
}

/**
 * `paths`, `operations` and `components` types from the document, as openapi-typescript writes
 * them. It is a dependency of the examples workspace, not of the repo: it needs TypeScript 5's
 * compiler API, which the repo's TypeScript 7 does not have, so npm installs it (with a
 * TypeScript 5 of its own) under examples/, and it is resolved from there.
 */
export async function typesText(document: string): Promise<string> {
  const require = createRequire(new URL("../examples/package.json", import.meta.url));
  const entry = pathToFileURL(require.resolve("openapi-typescript/dist/index.mjs")).href;
  const { default: openapiTS, astToString, COMMENT_HEADER } = (await import(entry)) as OpenApiTypescript;
  return COMMENT_HEADER + astToString(await openapiTS(JSON.parse(document)));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  const document = documentText();
  mkdirSync(dirname(DOCUMENT_PATH), { recursive: true });
  writeFileSync(DOCUMENT_PATH, document);
  console.log(`wrote ${DOCUMENT_PATH}`);
  mkdirSync(dirname(TYPES_PATH), { recursive: true });
  writeFileSync(TYPES_PATH, await typesText(document));
  console.log(`wrote ${TYPES_PATH}`);
}
