import type { ValidationTargets } from "hono";
import { validator } from "hono/validator";
import * as z from "zod/mini";
import { parseJsonValue } from "../core/metadata/parse-json-body";
import { problemOf } from "../core/metadata/storable";
import { ApiError } from "./api-error";
import { readJsonText } from "./read-body";

/** Parses with a route's schema; failures are a 400 with the one error body, naming each issue. */
export function parseInput<T extends z.ZodMiniType>(schema: T, value: unknown, where = "body"): z.infer<T> {
  const result = z.safeParse(schema, value);
  if (result.success) {
    return result.data;
  }
  const issues = result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }));
  throw new ApiError(
    "BAD_REQUEST",
    issues.map((i) => `${i.path.join(".") || where}: ${i.message}`).join("; "),
    { issues },
  );
}

/**
 * Hono's validator with a route's zod schema, so handlers get typed `c.req.valid(target)`.
 * @example app.get(path, valid("param", ContactIdParamSchema), (c) => c.req.valid("param"))
 */
export const valid = <Target extends keyof ValidationTargets, T extends z.ZodMiniType>(
  target: Target,
  schema: T,
) => validator(target, (value) => parseInput(schema, value, target) as z.infer<T>);

/**
 * A JSON body read by our reader (strict UTF-8, no Content-Type read as JSON, numbers keeping their
 * digits as JsonNumber) and checked against the route's schema. Returns the checked value and the
 * parsed one, whose numbers metadata rules still need.
 */
export async function jsonBody<T extends z.ZodMiniType>(
  c: Parameters<typeof readJsonText>[0],
  schema: T,
): Promise<{ data: z.infer<T>; parsed: ReturnType<typeof parseJsonValue> }> {
  const text = await readJsonText(c);
  const parsed = parseJsonValue(text.trim() === "" ? "{}" : text);
  return { data: parseInput(schema, parsed), parsed };
}

/**
 * A string Postgres can store as sent: no NUL character (text refuses it: a 500) and no unpaired
 * UTF-16 surrogate (the driver would silently store U+FFFD instead). As metadata values are.
 */
export const storableString = () =>
  z.string().check(
    z.refine((text) => problemOf(text) === undefined, {
      error: "contains a NUL character or an unpaired UTF-16 surrogate",
    }),
  );
