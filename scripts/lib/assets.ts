import { randomUUID } from "node:crypto";
import { copyFile, mkdir, rename } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { PHONE_METADATA_PATH } from "../../src/adapters/assets/phone-metadata";
import { SWAGGER_UI_PATH } from "../../src/routes/docs";
import { ROOT } from "./processes";

/** `[assets] directory` of wrangler.toml: git-ignored, rebuilt from node_modules by every entry point. */
export const ASSETS_DIR = join(ROOT, "dist", "assets");

/** What the docs page loads; the rest of swagger-ui-dist (other bundles, source maps) is not served. */
const SWAGGER_UI_FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "NOTICE"];

/**
 * The OpenAPI document `npm run openapi` generates (src/generated/openapi.json, checked for
 * freshness by test/node/openapi-document.test.ts), served as `/openapi.json`. As an asset it is
 * not part of the Worker's bundle (it was 35 KB minified, 4.9 KiB gzip of it).
 */
const OPENAPI_SOURCE = join(ROOT, "src", "generated", "openapi.json");
export const OPENAPI_ASSET = "openapi.json";

/**
 * Copies the Worker's static assets (Swagger UI and libphonenumber-js's metadata, pinned by
 * package-lock.json, and the OpenAPI document) into ASSETS_DIR.
 * `npm run dev`, `npm run bench`, `npm run deploy` and the test setup call it: wrangler and the
 * vitest plugin refuse a configured assets directory that does not exist. Each file is written
 * beside its target and renamed over it, so a reader (another vitest project's setup, a running
 * `wrangler dev`) never sees half a file.
 */
export async function buildAssets(): Promise<string> {
  const source = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const target = join(ASSETS_DIR, ...SWAGGER_UI_PATH.split("/").filter(Boolean));
  await mkdir(target, { recursive: true });
  for (const file of SWAGGER_UI_FILES) {
    await copyAtomically(join(source, file), join(target, file));
  }
  await copyAtomically(OPENAPI_SOURCE, join(ASSETS_DIR, OPENAPI_ASSET));
  // Read by the API Worker the first time an isolate formats a phone number (src/adapters/assets/).
  const phoneMetadata = join(ASSETS_DIR, ...PHONE_METADATA_PATH.split("/").filter(Boolean));
  await mkdir(dirname(phoneMetadata), { recursive: true });
  await copyAtomically(
    createRequire(import.meta.url).resolve("libphonenumber-js/metadata.min.json"),
    phoneMetadata,
  );
  return ASSETS_DIR;
}

async function copyAtomically(from: string, to: string): Promise<void> {
  const partial = join(dirname(to), `.${basename(to)}.${randomUUID()}`);
  await copyFile(from, partial);
  await rename(partial, to);
}
