import type { Context } from "hono";
import type { MetadataValue } from "../core/metadata/metadata-value";
import { parseJsonValue } from "../core/metadata/parse-json-body";
import { ApiError } from "./api-error";

const mediaTypeOf = (c: Context): string =>
  c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";

const isJson = (mediaType: string) => mediaType === "application/json" || mediaType.endsWith("+json");

/** Bytes as text, refusing invalid UTF-8 instead of silently replacing it with U+FFFD. */
function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError("BAD_REQUEST", "body is not valid UTF-8");
  }
}

/**
 * More fields than any real form has. Past it the body is refused before any other work: a 1 MiB
 * body of `a=&a=&…` is half a million pairs, and nothing after parsing should have to carry them.
 */
export const MAX_FORM_FIELDS = 10_000;

/**
 * A repeated form name becomes an array, which the value rules join with ", ". Appends in place:
 * copying the array at each repetition made `a=1&a=1&…` quadratic. Pulls each pair once and stops
 * at the first one past MAX_FORM_FIELDS (413), so the work is bounded whatever the body holds.
 */
export function groupFormFields(pairs: Iterable<[string, string]>): MetadataValue {
  const byName = new Map<string, string[]>();
  let count = 0;
  for (const [name, value] of pairs) {
    if (++count > MAX_FORM_FIELDS) {
      throw new ApiError("PAYLOAD_TOO_LARGE", `form has more than ${MAX_FORM_FIELDS} fields`, {
        max_fields: MAX_FORM_FIELDS,
      });
    }
    const values = byName.get(name);
    if (values) {
      values.push(value);
    } else {
      byName.set(name, [value]);
    }
  }
  const record: Record<string, MetadataValue> = {};
  for (const [name, values] of byName) {
    // defineProperty: a field named `__proto__` is data, never the record's prototype.
    Object.defineProperty(record, name, {
      value: values.length === 1 ? (values[0] ?? "") : values,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return record;
}

/**
 * The body exactly as sent (webhook signatures are over these bytes) and parsed: JSON (numbers
 * keep their digits), or a form as a record of name -> value. Without a Content-Type it is read
 * as JSON, and an empty body as `{}`: webhook tools and hand-written curl calls often leave it out.
 * `curl -d '{...}'` labels JSON as a form; no real form field name starts with `{`, so such a body
 * is read as the JSON it is. File parts are refused, naming them.
 */
export async function readBody(c: Context): Promise<{ raw: Uint8Array; body: MetadataValue }> {
  const mediaType = mediaTypeOf(c);
  const raw = new Uint8Array(await c.req.arrayBuffer());
  if (mediaType === "" || isJson(mediaType)) {
    const text = decode(raw);
    return { raw, body: parseJsonValue(text.trim() === "" ? "{}" : text) };
  }
  if (mediaType === "application/x-www-form-urlencoded") {
    const text = decode(raw);
    return {
      raw,
      body: text.trimStart().startsWith("{")
        ? parseJsonValue(text)
        : groupFormFields(new URLSearchParams(text)),
    };
  }
  if (mediaType === "multipart/form-data") {
    let form: FormData;
    try {
      form = await new Response(raw, {
        headers: { "content-type": c.req.header("content-type") ?? "" },
      }).formData();
    } catch {
      throw new ApiError("BAD_REQUEST", "malformed form body");
    }
    const files = [...form.entries()].filter(([, v]) => typeof v !== "string").map(([name]) => name);
    if (files.length > 0) {
      throw new ApiError(
        "BAD_REQUEST",
        `file uploads are not accepted: ${files.map((f) => `"${f}"`).join(", ")}`,
        {
          file_fields: [...new Set(files)],
        },
      );
    }
    return { raw, body: groupFormFields([...form.entries()].map(([name, value]) => [name, String(value)])) };
  }
  throw new ApiError(
    "UNSUPPORTED_MEDIA_TYPE",
    `unsupported content type "${mediaType}": send application/json, application/x-www-form-urlencoded or multipart/form-data`,
  );
}

/** The body of a JSON-only route as strict UTF-8 text (no Content-Type counts as JSON). */
export async function readJsonText(c: Context): Promise<string> {
  const mediaType = mediaTypeOf(c);
  if (mediaType !== "" && !isJson(mediaType)) {
    throw new ApiError(
      "UNSUPPORTED_MEDIA_TYPE",
      `unsupported content type "${mediaType}": send application/json`,
    );
  }
  return decode(new Uint8Array(await c.req.arrayBuffer()));
}
