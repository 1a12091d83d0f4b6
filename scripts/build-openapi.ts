// `npm run openapi`: writes the OpenAPI document the Worker serves, built from the routes' zod specs,
// then the TypeScript types of the typed client example (examples/) generated from it.
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { buildOpenApiDocument } from "../src/openapi/build-document";
import { ROUTE_SPECS } from "../src/routes";
import { buildAssets } from "./lib/assets";

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
  "- Every write with an API key takes an `Idempotency-Key` (Stripe's contract): a retry with the same key and body gets the first answer, with `Idempotent-Replayed: true`.",
].join("\n");

/**
 * The OpenAPI document, from the same zod schemas the handlers validate with. It is built at
 * build time (`npm run openapi` -> src/generated/openapi.json, checked by a test) and served as a
 * static asset (scripts/lib/assets.ts), so the Worker ships neither the schema-to-JSON-Schema
 * converter nor the JSON, and the Worker's modules never import the list of routes to describe them.
 */
export function buildDocument(): object {
  return buildOpenApiDocument(ROUTE_SPECS, {
    info: {
      title: "Contact metadata API",
      version: "1.0.0",
      description: DESCRIPTION,
      // No public address exists to name; the repository's README is where questions start.
      contact: { name: "Contact metadata service maintainers" },
      // package.json is "private": no licence is granted to use the API or its code.
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    // Relative: requests go to whichever host served this document, so the same document is
    // right for `npm run dev` (http://127.0.0.1:8787), a workers.dev URL or a custom domain, and
    // Swagger UI's "Try it out" on /docs calls the server the page came from.
    servers: [{ url: "/", description: "The host serving this document" }],
    tags: [
      {
        name: "Contacts",
        description:
          "Contacts and their metadata: one call stores any key/value data in the matching custom fields (API key).",
      },
      {
        name: "Custom fields",
        description:
          "The tenant's custom field definitions, which metadata keys are matched against (API key).",
      },
      {
        name: "Usage",
        description:
          "What the tenant used per UTC day (requests, fields written, contacts created, LLM calls and tokens) and its monthly LLM token budget (API key).",
      },
      {
        name: "Webhooks",
        description:
          "Form builders' submissions. No API key: the `whk_...` token in the URL is the credential, created and revoked with `npm run admin -- webhook ...`. OpenAPI has no security scheme for a secret path segment, so these operations declare `security: []` and the token as a path parameter.",
      },
      {
        name: "Webhook endpoints",
        description:
          "Change events out: the tenant's own URLs that hear every committed contact change as a signed Standard Webhooks POST, and the deliveries made to them (API key).",
      },
    ],
  });
}

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
  // The Worker serves it as a static asset: a running `npm run dev` picks the new one up.
  await buildAssets();
  mkdirSync(dirname(TYPES_PATH), { recursive: true });
  writeFileSync(TYPES_PATH, await typesText(document));
  console.log(`wrote ${TYPES_PATH}`);
}
