import { ErrorBodySchema } from "../errors";

const described = (description: string) => ({ description, schema: ErrorBodySchema });

/** Spread into every route's `responses` so the document shows the one error body. */
export const errorResponses = {
  400: described("Bad request: body not JSON, not an object, a bad key, a file part or a malformed form."),
  401: described("Missing, unknown or revoked API key."),
  404: described("Not found, or owned by another tenant (the two are never told apart)."),
  413: described("Body over 1 MiB."),
  415: described("Unsupported content type."),
  429: described("Rate limit of the API key exceeded (600 requests a minute); see the Retry-After header."),
  500: described("Unexpected error; nothing was written."),
};
