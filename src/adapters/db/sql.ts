import { type SQL, sql } from "drizzle-orm";
import * as z from "zod/mini";
import { DomainError } from "../../core/errors";
import type { Caller } from "../../services/ports";
import type { Database } from "./client";

/** A uuid that no row has: lets a malformed id still go through auth and come out as "not found". */
export const NO_SUCH_ID = "00000000-0000-0000-0000-000000000000";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const asUuid = (id: string): string => (UUID.test(id) ? id.toLowerCase() : NO_SUCH_ID);

/**
 * The live credential of the caller (an API key, or a webhook URL token) as the CTE `auth`
 * (api_key_id, webhook_id, tenant_id); every statement starts from it, so auth costs no round trip.
 */
export const authCte = (caller: Caller): SQL =>
  caller.via === "webhook"
    ? sql`auth AS (
  SELECT NULL::uuid AS api_key_id, id AS webhook_id, tenant_id FROM webhooks
  WHERE token_hash = ${caller.keyHash} AND tenant_id = ${caller.tenantId}::uuid AND revoked_at IS NULL
)`
    : sql`auth AS (
  SELECT id AS api_key_id, NULL::uuid AS webhook_id, tenant_id FROM api_keys
  WHERE key_hash = ${caller.keyHash} AND tenant_id = ${caller.tenantId}::uuid AND revoked_at IS NULL
)`;

/** Postgres codes meaning "not now" (connection exceptions, shutdowns, too many connections). */
const UNAVAILABLE_CODE = /^(08|57P0[1-3]|53300)/;

const causeOf = (err: unknown): { code?: unknown; detail?: unknown; name?: unknown } =>
  ((err as { cause?: unknown }).cause ?? err) as { code?: unknown; detail?: unknown; name?: unknown };

/**
 * Drizzle wraps driver errors, so the Postgres code is on `cause`. A driver error without a code
 * never reached Postgres (network, endpoint down): also "try again later", not our bug.
 */
function isUnavailable(err: unknown): boolean {
  const cause = causeOf(err);
  if (typeof cause.code === "string") {
    return UNAVAILABLE_CODE.test(cause.code);
  }
  return cause instanceof Error && cause.name === "NeonDbError";
}

/** A statement that refused itself (migrations/0003_refuse_function.sql): its JSON reason. */
export class Refused extends Error {
  constructor(readonly reason: Record<string, unknown>) {
    super("statement refused");
    this.name = "Refused";
  }
}

/** Postgres' unique_violation: a race another statement won (a name, an email). */
export const isUniqueViolation = (err: unknown): boolean => causeOf(err).code === "23505";

/**
 * Every statement goes through here: an unreachable database is UNAVAILABLE (503 with
 * Retry-After at the edge), a refusal raised by the statement itself a `Refused`. `stored`: a
 * statement of one column, `result`, sent as a stored statement (`Database.executeStored`).
 */
export async function run(
  db: Database,
  query: SQL,
  as: "text" | "stored" = "text",
): Promise<Record<string, unknown>[]> {
  try {
    return (await (as === "stored" ? db.executeStored(query) : db.execute(query))).rows;
  } catch (err) {
    const cause = causeOf(err);
    if (cause.code === "CM001" && typeof cause.detail === "string") {
      throw new Refused(JSON.parse(cause.detail) as Record<string, unknown>);
    }
    if (isUnavailable(err)) {
      throw new DomainError("UNAVAILABLE", "the database is unavailable; retry later");
    }
    throw err;
  }
}

/** The first row of a statement that always returns one, parsed: rows are data from outside. */
export async function one<T extends z.ZodMiniType>(db: Database, schema: T, query: SQL): Promise<z.infer<T>> {
  const [row] = await run(db, query);
  return z.parse(schema, row);
}

/** Timestamps arrive as Postgres text (`2026-11-25 10:00:00.123+00`); the API speaks ISO 8601. */
export const Timestamp = z.pipe(
  z.union([z.string(), z.date()]),
  z.transform((value) => new Date(value).toISOString()),
);
/** `count(*)` and bigint columns arrive as text to keep their precision. */
export const Count = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((value) => Number(value)),
);

/** Values for `jsonb_to_recordset`: one parameter carries any number of rows. */
export const jsonParam = (value: unknown): SQL => sql`${JSON.stringify(value)}::jsonb`;
