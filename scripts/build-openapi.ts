// `npm run openapi`: writes the OpenAPI document the Worker serves (see src/openapi/document.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { buildDocument } from "../src/openapi/document";

export const DOCUMENT_PATH = new URL("../src/generated/openapi.json", import.meta.url).pathname;

export const documentText = (): string => `${JSON.stringify(buildDocument(), null, 2)}\n`;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  mkdirSync(dirname(DOCUMENT_PATH), { recursive: true });
  writeFileSync(DOCUMENT_PATH, documentText());
  console.log(`wrote ${DOCUMENT_PATH}`);
}
