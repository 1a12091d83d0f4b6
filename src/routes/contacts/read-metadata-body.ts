import type { Context } from "hono";
import type { MetadataEntry } from "../../core/metadata/metadata-value";
import { parseJsonBody } from "../../core/metadata/parse-json-body";
import { ApiError } from "../../errors";
import { readText } from "../read-text";

const mediaTypeOf = (header: string | undefined): string =>
  (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

const isJson = (mediaType: string) => mediaType === "application/json" || mediaType.endsWith("+json");

/**
 * Reads the request body as ordered metadata entries. A request without a Content-Type is read as
 * JSON: webhook tools and hand-written curl calls often leave it out.
 */
export async function readMetadataBody(c: Context): Promise<MetadataEntry[]> {
  const mediaType = mediaTypeOf(c.req.header("content-type"));
  if (mediaType === "" || isJson(mediaType)) {
    const text = await readText(c);
    return parseJsonBody(text.trim() === "" ? "{}" : text);
  }
  if (mediaType === "application/x-www-form-urlencoded") {
    return readUrlEncoded(await readText(c));
  }
  if (mediaType === "multipart/form-data") {
    return readMultipart(c);
  }
  throw new ApiError(
    "UNSUPPORTED_MEDIA_TYPE",
    `unsupported content type "${mediaType}": send application/json, application/x-www-form-urlencoded or multipart/form-data`,
  );
}

/**
 * `curl -d '{"a": 1}'` sends JSON labelled as a form (curl's default type). A form body that is a
 * JSON object is read as the JSON it obviously is; no real form field name starts with `{`.
 */
function readUrlEncoded(text: string): MetadataEntry[] {
  if (text.trimStart().startsWith("{")) {
    return parseJsonBody(text);
  }
  const byName = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    byName.set(name, [...(byName.get(name) ?? []), value]);
  }
  // A repeated name is an array, which the value rules join with ", ".
  return [...byName].map(([sourceKey, values]) => ({
    sourceKey,
    value: values.length === 1 ? (values[0] ?? "") : values,
  }));
}

async function readMultipart(c: Context): Promise<MetadataEntry[]> {
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch {
    throw new ApiError("BAD_REQUEST", "malformed form body");
  }
  const files = Object.entries(form)
    .filter(([, v]) => (Array.isArray(v) ? v : [v]).some((part) => typeof part !== "string"))
    .map(([name]) => name);
  if (files.length > 0) {
    throw new ApiError(
      "BAD_REQUEST",
      `file uploads are not accepted: ${files.map((f) => `"${f}"`).join(", ")}`,
      {
        file_fields: files,
      },
    );
  }
  // A repeated form name arrives as an array, which the value rules join with ", ".
  return Object.entries(form).map(([sourceKey, value]) => ({
    sourceKey,
    value: Array.isArray(value) ? value.map(String) : String(value),
  }));
}
