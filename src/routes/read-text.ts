import type { Context } from "hono";
import { ApiError } from "../errors";

/** The body as text, refusing invalid UTF-8 instead of silently replacing bytes with U+FFFD. */
export async function readText(c: Context): Promise<string> {
  const bytes = await c.req.arrayBuffer();
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError("BAD_REQUEST", "body is not valid UTF-8");
  }
}
