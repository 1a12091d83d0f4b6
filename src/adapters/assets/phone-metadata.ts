import { DomainError } from "../../core/errors";
import type { PhoneMetadata } from "../../core/format/format-phone";

/**
 * Where scripts/lib/assets.ts puts libphonenumber-js's "min" metadata among the Worker's static
 * assets: the same file the library's `/min` entry would have bundled, from the pinned package.
 */
export const PHONE_METADATA_PATH = "/libphonenumber-js/metadata.min.json";

/**
 * The phone metadata, read from the static assets once per isolate, the first time a request
 * formats a phone number (one asset read, then a 83 KB JSON parse). A failed read is not cached,
 * so the next request tries again.
 */
export function createPhoneMetadataSource(assets: Fetcher): () => Promise<PhoneMetadata> {
  let loading: Promise<PhoneMetadata> | undefined;
  return () => {
    loading ??= load(assets).catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
}

async function load(assets: Fetcher): Promise<PhoneMetadata> {
  let response: Response;
  try {
    response = await assets.fetch(`http://assets${PHONE_METADATA_PATH}`);
  } catch {
    throw new DomainError("UNAVAILABLE", "the phone number metadata could not be read; retry later");
  }
  if (!response.ok) {
    // A deployment without the asset (scripts/lib/assets.ts did not run): our bug, a 500.
    throw new Error(`phone metadata asset ${PHONE_METADATA_PATH}: HTTP ${response.status}`);
  }
  const metadata = (await response.json()) as Partial<PhoneMetadata> | null;
  if (typeof metadata?.countries !== "object" || typeof metadata.country_calling_codes !== "object") {
    throw new Error(`phone metadata asset ${PHONE_METADATA_PATH}: not libphonenumber-js metadata`);
  }
  return metadata as PhoneMetadata;
}
