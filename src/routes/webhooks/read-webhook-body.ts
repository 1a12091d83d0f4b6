import type { Context } from "hono";
import type { MetadataValue } from "../../core/metadata/metadata-value";
import { parseJsonValue } from "../../core/metadata/parse-json-body";
import { ApiError } from "../../errors";

const decode = (bytes: Uint8Array): string => {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError("BAD_REQUEST", "body is not valid UTF-8");
  }
};

const grouped = (pairs: Iterable<[string, string]>): MetadataValue => {
  const byName = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    byName.set(name, [...(byName.get(name) ?? []), value]);
  }
  return Object.fromEntries(
    [...byName].map(([name, values]) => [name, values.length === 1 ? (values[0] ?? "") : values]),
  );
};

/**
 * The body as sent (signatures are over these exact bytes) and parsed: JSON, or a form as a
 * record of name -> value (a repeated name becomes an array). File parts are refused, naming them.
 */
export async function readWebhookBody(c: Context): Promise<{ raw: Uint8Array; body: MetadataValue }> {
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const contentType = c.req.header("content-type") ?? "";
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType === "" || mediaType === "application/json" || mediaType.endsWith("+json")) {
    const text = decode(raw);
    return { raw, body: parseJsonValue(text.trim() === "" ? "{}" : text) };
  }
  if (mediaType === "application/x-www-form-urlencoded") {
    const text = decode(raw);
    return {
      raw,
      body: text.trimStart().startsWith("{") ? parseJsonValue(text) : grouped(new URLSearchParams(text)),
    };
  }
  if (mediaType === "multipart/form-data") {
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
    } catch {
      throw new ApiError("BAD_REQUEST", "malformed form body");
    }
    const files = [...form.entries()].filter(([, v]) => typeof v !== "string").map(([name]) => name);
    if (files.length > 0) {
      throw new ApiError(
        "BAD_REQUEST",
        `file uploads are not accepted: ${files.map((f) => `"${f}"`).join(", ")}`,
        {
          file_fields: files,
        },
      );
    }
    return { raw, body: grouped([...form.entries()].map(([name, value]) => [name, String(value)])) };
  }
  throw new ApiError(
    "UNSUPPORTED_MEDIA_TYPE",
    `unsupported content type "${mediaType}": send application/json, application/x-www-form-urlencoded or multipart/form-data`,
  );
}
