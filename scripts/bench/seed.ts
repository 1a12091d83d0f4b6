// Tenants for the bench, written straight into Postgres: a few statements per tenant whatever its
// size (definitions, contacts and values each in one statement), never one HTTP call per row.
import type pg from "pg";
import type { FieldDefinition, FieldType } from "../../src/core/fields/definition";
import { definitionIdFor } from "../../src/core/fields/definition-id";
import { toFieldKey } from "../../src/core/fields/field-key";
import { queryOf } from "../lib/pg-query";
import { createTenant } from "../lib/tenants";

export interface DefinitionSpec {
  key: string;
  label?: string;
  type?: FieldType;
  options?: string[];
}

export interface SeededTenant {
  tenantId: string;
  apiKey: string;
  definitions: FieldDefinition[];
  /** Ids of its contacts, all alike (no values). */
  contacts: string[];
}

/** A tenant with its API key, `definitions` in the ledger and `contacts` empty contacts. */
export async function seedTenant(
  db: pg.Client,
  opts: { name: string; definitions: readonly DefinitionSpec[]; contacts: number },
): Promise<SeededTenant> {
  const query = queryOf(db);
  const { tenant_id: tenantId, api_key: apiKey } = await createTenant(query, opts.name);
  const definitions = await seedDefinitions(db, tenantId, opts.definitions);
  const rows =
    opts.contacts === 0
      ? []
      : await query<{ id: string }>(
          `INSERT INTO contacts (tenant_id, name)
           SELECT $1, $2 || ' ' || n FROM generate_series(1, $3::int) AS n RETURNING id`,
          [tenantId, opts.name, opts.contacts],
        );
  return { tenantId, apiKey, definitions, contacts: rows.map((r) => r.id) };
}

/**
 * The definitions ledger (src/db/schema.ts): one row per definition, its key and (when it reads
 * differently) its label as its names, and the tenant's version bumped and count set, as the
 * service's own statements would leave them.
 * Ids are derived as the service derives them.
 */
export async function seedDefinitions(
  db: pg.Client,
  tenantId: string,
  specs: readonly DefinitionSpec[],
): Promise<FieldDefinition[]> {
  const definitions: FieldDefinition[] = [];
  for (const spec of specs) {
    definitions.push({
      id: definitionIdFor(tenantId, spec.key),
      key: spec.key,
      label: spec.label ?? spec.key,
      type: spec.type ?? "text",
      ...(spec.options ? { options: spec.options } : {}),
      aliases: [],
    });
  }
  if (definitions.length === 0) {
    return definitions;
  }
  const rows = JSON.stringify(
    definitions.map((d) => ({
      id: d.id,
      key: d.key,
      label: d.label,
      type: d.type,
      options: d.options ?? null,
    })),
  );
  const names = JSON.stringify(
    definitions.flatMap((d) => {
      const label = toFieldKey(d.label);
      return [
        { id: d.id, key: d.key, name: d.key, kind: "key" },
        ...(label === d.key ? [] : [{ id: d.id, key: d.key, name: label, kind: "label" }]),
      ];
    }),
  );
  await db.query("BEGIN");
  try {
    await db.query(
      `INSERT INTO field_definitions (id, tenant_id, key, label, type, options)
       SELECT d.id, $1, d.key, d.label, d.type, d.options
       FROM jsonb_to_recordset($2::jsonb) AS d(id uuid, key text, label text, type text, options jsonb)`,
      [tenantId, rows],
    );
    await db.query(
      `INSERT INTO field_names (tenant_id, name, definition_id, definition_key, kind, source)
       SELECT $1, n.name, n.id, n.key, n.kind, 'admin'
       FROM jsonb_to_recordset($2::jsonb) AS n(id uuid, key text, name text, kind text)
       ON CONFLICT (tenant_id, name) DO NOTHING`,
      [tenantId, names],
    );
    await db.query(
      `UPDATE tenants SET definitions_version = definitions_version + 1,
         definition_count = (SELECT count(*) FROM field_definitions WHERE tenant_id = $1 AND deleted_at IS NULL)
       WHERE id = $1`,
      [tenantId],
    );
    await db.query("COMMIT");
  } catch (error) {
    await db.query("ROLLBACK");
    throw error;
  }
  return definitions;
}

/**
 * `count` contacts with a value for every definition of the tenant, in two statements. Exactly 10
 * contacts have `plan` = "Pro" at any size, so a search for them answers the same rows whatever the
 * tenant's size: only the cost of finding them can grow. 2 million rows are the slowest part of the
 * bench, so: time-ordered ids (uuidv7), with contacts driving the join in id order, append to the
 * indexes instead of splitting random pages (a third faster than random ids here; an explicit
 * ORDER BY only added a sort), and foreign-key triggers are skipped for the values (every id comes
 * from the rows just joined).
 */
export async function seedPopulation(
  db: pg.Client,
  tenantId: string,
  count: number,
): Promise<{ sampleContact: string }> {
  await db.query("BEGIN");
  try {
    await db.query(
      `INSERT INTO contacts (id, tenant_id, name, email)
       SELECT uuidv7(), $1, 'Population contact ' || n, 'contact' || n || '@example.com'
       FROM generate_series(1, $2::int) AS n`,
      [tenantId, count],
    );
    await db.query("SET LOCAL session_replication_role = replica");
    await db.query(
      `INSERT INTO contact_field_values
         (id, tenant_id, contact_id, custom_field_definition_id, key, value, source_key, matched_by)
       SELECT uuidv7(), $1, c.id, d.id, d.key,
         CASE WHEN d.key <> 'plan' THEN d.label || ' of contact ' || c.n
              WHEN c.n <= 10 THEN 'Pro' WHEN c.n % 2 = 0 THEN 'Free' ELSE 'Team' END,
         d.key, 'exact'
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM contacts WHERE tenant_id = $1) AS c
       CROSS JOIN field_definitions AS d
       WHERE d.tenant_id = $1 AND d.deleted_at IS NULL`,
      [tenantId],
    );
    await db.query("COMMIT");
  } catch (error) {
    await db.query("ROLLBACK");
    throw error;
  }
  // Fresh statistics, as autovacuum would give a production table, so plans are not a guess.
  await db.query("ANALYZE contacts, contact_field_values");
  const [sample] = await queryOf(db)<{ id: string }>(
    "SELECT id FROM contacts WHERE tenant_id = $1 ORDER BY id OFFSET $2 LIMIT 1",
    [tenantId, Math.floor(count / 2)],
  );
  if (!sample) {
    throw new Error(`no contact seeded for tenant ${tenantId}`);
  }
  return { sampleContact: sample.id };
}
