import { DomainError } from "../../core/errors";
import type { PhoneMetadata } from "../../core/format/format-phone";

/**
 * Where scripts/lib/assets.ts puts libphonenumber-js's "min" metadata among the Worker's static
 * assets: the same file the library's `/min` entry would have bundled, from the pinned package.
 */
export const PHONE_METADATA_PATH = "/libphonenumber-js/metadata.min.json";

/**
 * The phone metadata, read from the static assets the first time a request of the isolate needs
 * it (one asset read, then an 83 KB JSON parse), then kept. Only the parsed object is shared: a
 * read in flight belongs to the request that started it (workerd binds I/O to its request, and a
 * cancelled request would strand whoever awaited its read), so two first requests read twice. A
 * failed read keeps nothing: the next request tries again.
 */
export function createPhoneMetadataSource(assets: Fetcher): () => Promise<PhoneMetadata> {
  let loaded: PhoneMetadata | undefined;
  return async () => {
    loaded ??= await load(assets);
    return loaded;
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
