import { type SQL, sql } from "drizzle-orm";
import * as z from "zod/mini";
import { DefinitionsSnapshotSchema, FieldTypeSchema } from "../../core/fields/definition";
import type { DefinitionRecord, DefinitionStore } from "../../services/ports";
import type { Database } from "./client";
import { claimColumn, claimCte, earlierClaimOf } from "./idempotency-sql";
import { authCte, Count, jsonParam, one, Refused, run, Timestamp } from "./sql";
import { usageCte } from "./usage-sql";

/**
 * The tenant's live definitions in projection form (what matching needs), as one jsonb array.
 * Null description/options are left out rather than sent as null.
 */
const projectionJson = (tenantId: SQL) => sql`COALESCE((
  SELECT jsonb_agg(
    jsonb_strip_nulls(jsonb_build_object('id', d.id, 'key', d.key, 'label', d.label, 'type', d.type,
      'description', d.description, 'options', d.options))
    || jsonb_build_object('aliases', COALESCE(a.names, '[]'::jsonb)) ORDER BY d.key)
  FROM field_definitions d
  LEFT JOIN (
    SELECT definition_id, jsonb_agg(name ORDER BY name) AS names FROM field_names
    WHERE tenant_id = ${tenantId} AND kind = 'alias' GROUP BY definition_id
  ) a ON a.definition_id = d.id
  WHERE d.tenant_id = ${tenantId} AND d.deleted_at IS NULL
), '[]'::jsonb)`;

const AliasRowSchema = z.object({
  alias: z.string(),
  definition_id: z.string(),
  source: z.enum(["admin", "llm", "request"]),
  request_id: z.nullable(z.string()),
  api_key_prefix: z.nullable(z.string()),
  webhook_id: z.nullable(z.string()),
  created_at: Timestamp,
});

const DefinitionRowSchema = z.object({
  id: z.string(),
  key: z.string(),
  label: z.string(),
  type: FieldTypeSchema,
  description: z.nullable(z.string()),
  options: z.nullable(z.array(z.string())),
  created_at: Timestamp,
  updated_at: Timestamp,
});
type DefinitionRow = z.infer<typeof DefinitionRowSchema>;
type AliasRow = z.infer<typeof AliasRowSchema>;

/** Aliases (rows of `names`, aliased n) with who taught them: the API key's visible prefix, never its id. */
const aliasesJson = (names: SQL, where: SQL) => sql`COALESCE((
  SELECT jsonb_agg(jsonb_build_object('alias', n.name, 'definition_id', n.definition_id, 'source', n.source,
    'request_id', n.request_id, 'api_key_prefix', k.prefix, 'webhook_id', n.webhook_id, 'created_at', n.created_at))
  FROM ${names} n LEFT JOIN api_keys k ON k.id = n.api_key_id
  WHERE n.kind = 'alias' AND ${where}
), '[]'::jsonb)`;

function toRecord(row: DefinitionRow, aliases: readonly AliasRow[]): DefinitionRecord {
  const own = aliases
    .filter((a) => a.definition_id === row.id)
    .sort((a, b) => a.alias.localeCompare(b.alias))
    .map(({ definition_id: _, ...alias }) => alias);
  return {
    id: row.id,
    key: row.key,
    label: row.label,
    type: row.type,
    ...(row.description === null ? {} : { description: row.description }),
    ...(row.options === null ? {} : { options: row.options }),
    aliases: own.map((a) => a.alias),
    alias_provenance: own,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const projected = (record: DefinitionRecord) => ({
  id: record.id,
  key: record.key,
  label: record.label,
  type: record.type,
  ...(record.description === undefined ? {} : { description: record.description }),
  ...(record.options === undefined ? {} : { options: record.options }),
  aliases: record.aliases,
});

/**
 * The tenant row, locked: every change to a tenant's names is serialised behind it. Empty when
 * `when` is false (a PUT whose Idempotency-Key an earlier request holds), and so is all after it.
 */
const gateWhen = (when: SQL) => sql`gate AS (
  SELECT t.id, t.definitions_version, t.definition_count, t.definition_limit
  FROM tenants t JOIN auth ON t.id = auth.tenant_id
  WHERE ${when}
  FOR UPDATE OF t
)`;
const GATE = gateWhen(sql`true`);

const ChangeSchema = z.object({
  authorized: z.boolean(),
  changed: z.boolean(),
  version_before: z.nullable(Count),
  version: z.nullable(Count),
});

const LimitReasonSchema = z.object({
  code: z.literal("DEFINITION_LIMIT_EXCEEDED"),
  limit: z.number(),
  count: z.number(),
  keys: z.array(z.string()),
});
const ConflictReasonSchema = z.object({
  code: z.literal("CONFLICT"),
  names: z.array(z.object({ name: z.string(), owner: z.string() })),
});

export function createDefinitionStore(db: Database): DefinitionStore {
  return {
    async snapshot(tenantId) {
      const row = await one(
        db,
        z.object({ version: z.nullable(Count), definitions: z.unknown() }),
        sql`SELECT (SELECT definitions_version FROM tenants WHERE id = ${tenantId}::uuid) AS version,
          ${projectionJson(sql`${tenantId}::uuid`)} AS definitions`,
      );
      return z.parse(DefinitionsSnapshotSchema, { version: row.version ?? 0, definitions: row.definitions });
    },

    async list(caller, usage = null) {
      const row = await one(
        db,
        z.object({
          authorized: z.boolean(),
          count: z.nullable(Count),
          limit: z.nullable(Count),
          version: z.nullable(Count),
          definitions: z.array(DefinitionRowSchema),
          aliases: z.array(AliasRowSchema),
        }),
        sql`
        WITH ${authCte(caller)},
        tenant AS (SELECT t.* FROM tenants t JOIN auth ON t.id = auth.tenant_id),
        ${usageCte(usage, sql`true`)}
        SELECT
          EXISTS (SELECT 1 FROM auth) AS authorized,
          (SELECT definition_count FROM tenant) AS count,
          (SELECT definition_limit FROM tenant) AS limit,
          (SELECT definitions_version FROM tenant) AS version,
          COALESCE((SELECT jsonb_agg(to_jsonb(d) - 'tenant_id' - 'deleted_at' ORDER BY d.key)
            FROM field_definitions d JOIN tenant ON d.tenant_id = tenant.id WHERE d.deleted_at IS NULL), '[]'::jsonb)
            AS definitions,
          ${aliasesJson(sql`field_names`, sql`n.tenant_id = (SELECT id FROM tenant)`)} AS aliases
      `,
      );
      if (!row.authorized) {
        return { status: "unauthorized" };
      }
      return {
        status: "ok",
        definitions: row.definitions.map((d) => toRecord(d, row.aliases)),
        count: row.count ?? 0,
        limit: row.limit ?? 0,
        version: row.version ?? 0,
      };
    },

    async put(caller, definition, requestId, { idempotency, usage = null } = {}) {
      let rows: Record<string, unknown>[];
      try {
        rows = await run(
          db,
          sql`
          WITH ${authCte(caller)}, ${claimCte(idempotency, requestId)},
          ${gateWhen(sql`EXISTS (SELECT 1 FROM go)`)},
          ${usageCte(usage, sql`EXISTS (SELECT 1 FROM go)`)},
          wanted AS (SELECT * FROM jsonb_to_recordset(${jsonParam(definition.names)}) AS w(name text, kind text)),
          upsert AS (
            INSERT INTO field_definitions AS d (id, tenant_id, key, label, type, description, options)
            SELECT ${definition.id}::uuid, g.id, ${definition.key}, ${definition.label}, ${definition.type},
              ${definition.description}, ${definition.options === null ? null : JSON.stringify(definition.options)}::jsonb
            FROM gate g
            ON CONFLICT (id) DO UPDATE SET
              label = excluded.label, type = excluded.type, description = excluded.description,
              options = excluded.options, updated_at = now(), deleted_at = NULL,
              created_at = CASE WHEN d.deleted_at IS NULL THEN d.created_at ELSE now() END
            RETURNING new.id, new.key, new.label, new.type, new.description, new.options, new.created_at,
              new.updated_at, (old.id IS NULL OR old.deleted_at IS NOT NULL) AS created
          ),
          named AS (
            -- The no-op update on another definition's name returns its owner: refused below,
            -- also when that name was claimed after this statement's snapshot.
            INSERT INTO field_names AS n (tenant_id, name, definition_id, definition_key, kind, source, request_id, api_key_id)
            SELECT g.id, w.name, ${definition.id}::uuid, ${definition.key}, w.kind, 'admin', ${requestId}, auth.api_key_id
            FROM wanted w, gate g, auth
            ON CONFLICT (tenant_id, name) DO UPDATE SET
              kind = CASE WHEN n.definition_id = excluded.definition_id THEN excluded.kind ELSE n.kind END
            RETURNING n.*
          ),
          dropped AS (
            DELETE FROM field_names n USING gate g
            WHERE n.tenant_id = g.id AND n.definition_id = ${definition.id}::uuid
              AND n.name NOT IN (SELECT name FROM wanted)
            RETURNING n.name, n.kind
          ),
          bumped AS (
            UPDATE tenants t SET
              definitions_version = t.definitions_version + 1,
              definition_count = t.definition_count + CASE WHEN (SELECT created FROM upsert) THEN 1 ELSE 0 END
            FROM gate g WHERE t.id = g.id
            RETURNING t.definitions_version
          )
          SELECT
            EXISTS (SELECT 1 FROM auth) AS authorized,
            (SELECT to_jsonb(u) - 'created' FROM upsert u) AS definition,
            COALESCE((SELECT created FROM upsert), false) AS created,
            ${aliasesJson(sql`named`, sql`true`)} AS aliases,
            COALESCE((SELECT jsonb_agg(name) FROM dropped WHERE kind = 'alias'), '[]'::jsonb) AS dropped_aliases,
            (SELECT definitions_version FROM gate) AS version_before,
            (SELECT definitions_version FROM bumped) AS version,
            (SELECT CASE
              WHEN EXISTS (SELECT 1 FROM named WHERE definition_id <> ${definition.id}::uuid) THEN refuse(
                jsonb_build_object('code', 'CONFLICT', 'names', (SELECT jsonb_agg(jsonb_build_object(
                  'name', name, 'owner', definition_key)) FROM named WHERE definition_id <> ${definition.id}::uuid)))
              WHEN (SELECT created FROM upsert) AND g.definition_count + 1 > g.definition_limit THEN refuse(
                jsonb_build_object('code', 'DEFINITION_LIMIT_EXCEEDED', 'limit', g.definition_limit,
                  'count', g.definition_count, 'keys', jsonb_build_array(${definition.key}::text)))
              ELSE true END FROM gate g) AS ok,
            ${claimColumn(idempotency)} AS idempotency
        `,
        );
      } catch (err) {
        if (err instanceof Refused) {
          const conflict = z.safeParse(ConflictReasonSchema, err.reason);
          if (conflict.success) {
            return { status: "conflict", names: conflict.data.names };
          }
          const limit = z.parse(LimitReasonSchema, err.reason);
          return { status: "limit_exceeded", limit: limit.limit, count: limit.count, keys: limit.keys };
        }
        throw err;
      }
      const row = z.parse(
        z.object({
          authorized: z.boolean(),
          definition: z.nullable(DefinitionRowSchema),
          created: z.boolean(),
          aliases: z.array(AliasRowSchema),
          dropped_aliases: z.array(z.string()),
          version_before: z.nullable(Count),
          version: z.nullable(Count),
          idempotency: z.unknown(),
        }),
        rows[0],
      );
      const earlier = row.authorized ? earlierClaimOf(row.idempotency) : null;
      if (earlier) {
        return { status: "claimed_earlier", earlier };
      }
      if (!row.authorized || !row.definition) {
        return { status: "unauthorized" };
      }
      const record = toRecord(row.definition, row.aliases);
      return {
        status: "ok",
        created: row.created,
        definition: record,
        delta: {
          from: row.version_before ?? 0,
          to: row.version ?? 0,
          upsert: [projected(record)],
          remove: [],
          aliasesAdded: [],
          aliasesRemoved: [],
        },
      };
    },

    async remove(caller, definitionId, usage = null) {
      const row = await one(
        db,
        ChangeSchema,
        sql`
        WITH ${authCte(caller)}, ${GATE},
        gone AS (
          -- Kept as deleted: stored values still point at it.
          UPDATE field_definitions d SET deleted_at = now(), updated_at = now()
          FROM gate g WHERE d.id = ${definitionId}::uuid AND d.tenant_id = g.id AND d.deleted_at IS NULL
          RETURNING d.id
        ),
        unnamed AS (
          DELETE FROM field_names n USING gone WHERE n.definition_id = gone.id RETURNING n.name
        ),
        ${usageCte(usage, sql`EXISTS (SELECT 1 FROM gone)`)},
        bumped AS (
          UPDATE tenants t SET definitions_version = t.definitions_version + 1,
            definition_count = t.definition_count - 1
          FROM gate g WHERE t.id = g.id AND EXISTS (SELECT 1 FROM gone)
          RETURNING t.definitions_version
        )
        SELECT EXISTS (SELECT 1 FROM auth) AS authorized, EXISTS (SELECT 1 FROM gone) AS changed,
          (SELECT definitions_version FROM gate) AS version_before,
          (SELECT definitions_version FROM bumped) AS version
      `,
      );
      if (!row.authorized) {
        return { status: "unauthorized" };
      }
      if (!row.changed) {
        return { status: "not_found" };
      }
      return {
        status: "ok",
        delta: {
          from: row.version_before ?? 0,
          to: row.version ?? 0,
          upsert: [],
          remove: [definitionId],
          aliasesAdded: [],
          aliasesRemoved: [],
        },
      };
    },

    async unlearn(caller, definitionId, alias, usage = null) {
      const row = await one(
        db,
        ChangeSchema,
        sql`
        WITH ${authCte(caller)}, ${GATE},
        gone AS (
          DELETE FROM field_names n USING gate g
          WHERE n.tenant_id = g.id AND n.name = ${alias} AND n.definition_id = ${definitionId}::uuid AND n.kind = 'alias'
          RETURNING n.name
        ),
        ${usageCte(usage, sql`EXISTS (SELECT 1 FROM gone)`)},
        bumped AS (
          UPDATE tenants t SET definitions_version = t.definitions_version + 1
          FROM gate g WHERE t.id = g.id AND EXISTS (SELECT 1 FROM gone)
          RETURNING t.definitions_version
        )
        SELECT EXISTS (SELECT 1 FROM auth) AS authorized, EXISTS (SELECT 1 FROM gone) AS changed,
          (SELECT definitions_version FROM gate) AS version_before,
          (SELECT definitions_version FROM bumped) AS version
      `,
      );
      if (!row.authorized) {
        return { status: "unauthorized" };
      }
      if (!row.changed) {
        return { status: "not_found" };
      }
      return {
        status: "ok",
        delta: {
          from: row.version_before ?? 0,
          to: row.version ?? 0,
          upsert: [],
          remove: [],
          aliasesAdded: [],
          aliasesRemoved: [{ definitionId, name: alias }],
        },
      };
    },
  };
}
