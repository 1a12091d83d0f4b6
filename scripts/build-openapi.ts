// `npm run openapi`: writes the OpenAPI document the Worker serves, built from the routes' zod specs.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { buildOpenApiDocument } from "../src/openapi/build-document";
import { ROUTE_SPECS } from "../src/routes";

const DESCRIPTION = [
  "Attach any data to a contact with one call; it lands in the right custom field as a string.",
  "",
  "Decisions where the contract is silent:",
  "- A body without Content-Type is read as JSON; an empty body is `{}`.",
  "- Numbers keep the exact text sent, then are formatted by the field's type (`number` fields get a canonical decimal).",
  "- A null inside an array is skipped; an empty array stores an empty string.",
  "- An empty body or `{}` writes nothing and no activity row, but the key and contact are still checked.",
  "- A contact id that is not a UUID is a contact that does not exist (404).",
  "- A definition's key or label match counts as `exact`; an alias match as `alias`.",
  "- A value that cannot be formatted for its field's type is stored as sent, with a `warning`.",
  "- Every error has the body `{error: {code, message, details?}, request_id}`; `x-request-id` is on every response.",
  '- `Server-Timing` reports the request\'s LLM calls (`llm;desc="calls=N"`) and KV reads/writes (`kv`).',
].join("\n");

/**
 * The OpenAPI document, from the same zod schemas the handlers validate with. It is built at
 * build time (`npm run openapi` -> src/generated/openapi.json, checked by a test), so the Worker
 * ships the JSON and not the schema-to-JSON-Schema converter, and the Worker's modules never
 * import the list of routes to describe them.
 */
export function buildDocument(): object {
  return buildOpenApiDocument(ROUTE_SPECS, {
    title: "Contact metadata API",
    version: "1.0.0",
    description: DESCRIPTION,
  });
}

export const DOCUMENT_PATH = new URL("../src/generated/openapi.json", import.meta.url).pathname;

export const documentText = (): string => `${JSON.stringify(buildDocument(), null, 2)}\n`;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  mkdirSync(dirname(DOCUMENT_PATH), { recursive: true });
  writeFileSync(DOCUMENT_PATH, documentText());
  console.log(`wrote ${DOCUMENT_PATH}`);
}
