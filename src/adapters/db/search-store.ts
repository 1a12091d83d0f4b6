import { type SQL, sql } from "drizzle-orm";
import * as z from "zod/mini";
import type { PlannedFilter } from "../../core/search/filters";
import type { UsageRecord } from "../../core/usage/usage-record";
import type { Caller, ContactReadStore } from "../../services/ports";
import type { Database } from "./client";
import { authCte, one } from "./sql";
import { usageCte } from "./usage-sql";

const ResultSchema = z.object({
  authorized: z.boolean(),
  contacts: z.array(
    z.object({
      id: z.string(),
      name: z.nullable(z.string()),
      email: z.nullable(z.string()),
      phone: z.nullable(z.string()),
      metadata: z.record(z.string(), z.string()),
    }),
  ),
});

/**
 * The index on (tenant_id, key, left(value, 200) COLLATE "C") holds this much of each value
 * (migrations/*_read_side_sql.sql); the expression below must be the index's, letter for letter.
 */
const PREFIX = 200;

/** The comparison of one filter on a value row `v`, in the form an index of the migration serves. */
function condition(filter: PlannedFilter): SQL {
  const value = filter.value ?? "";
  const op = { eq: sql`=`, neq: sql`=`, gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` };
  switch (filter.op) {
    case "exists":
    case "not_exists":
      return sql`true`;
    case "contains":
      return sql`strpos(lower(v.value), lower(${value}::text)) > 0`;
    case "starts_with":
      return sql`starts_with(lower(v.value), lower(${value}::text))`;
    default:
      if (filter.compare === "number") {
        return sql`field_value_number(v.value) ${op[filter.op]} ${value}::numeric`;
      }
      if (filter.compare === "instant") {
        return sql`field_value_instant(v.value) ${op[filter.op]} field_value_instant(${value}::text)`;
      }
      // The index holds the first PREFIX characters. A shorter value is equal exactly when its
      // prefix is (the planner then estimates one clause, from the index's statistics); a longer
      // one is compared whole after.
      return value.length < PREFIX
        ? sql`left(v.value, ${sql.raw(String(PREFIX))}) COLLATE "C" = ${value}::text`
        : sql`left(v.value, ${sql.raw(String(PREFIX))}) COLLATE "C" = left(${value}::text, ${sql.raw(String(PREFIX))}) AND v.value = ${value}::text`;
  }
}

/**
 * One filter as a condition on the contact `c`, in the shape whose plan does not depend on guessing
 * how many contacts match:
 * - eq and comparisons: a semi-join the planner starts from a value index. The matches of an eq
 *   come out of it in contact id order (the indexes end with contact_id), so a page costs the same
 *   whether 10 contacts match or half the tenant; a comparison's matches are sorted, cheap when
 *   few match (when most do, the planner walks the tenant's contacts in id order instead,
 *   probing (contact_id, key), as far as its estimates tell it);
 * - neq, not_exists: an anti-join probed per contact (no index finds what is absent);
 * - contains, starts_with: no index serves them, so the field's values of the tenant are read once
 *   (the (tenant_id, key) prefix of the value index) into a set the walk checks (OFFSET 0 keeps the
 *   planner from probing per contact, which costs a probe per contact when few match).
 */
function predicate(tenantId: string, filter: PlannedFilter): SQL {
  const key = sql`${filter.key}::text`;
  switch (filter.op) {
    case "neq":
    case "not_exists":
      return sql`NOT EXISTS (
        SELECT 1 FROM contact_field_values v
        WHERE v.contact_id = c.id AND v.tenant_id = ${tenantId}::uuid AND v.key = ${key} AND ${condition(filter)})`;
    case "contains":
    case "starts_with":
      return sql`c.id IN (
        SELECT v.contact_id FROM contact_field_values v
        WHERE v.tenant_id = ${tenantId}::uuid AND v.key = ${key} AND ${condition(filter)} OFFSET 0)`;
    default:
      return sql`EXISTS (
        SELECT 1 FROM contact_field_values v
        WHERE v.contact_id = c.id AND v.tenant_id = ${tenantId}::uuid AND v.key = ${key} AND ${condition(filter)})`;
  }
}

/**
 * Search, one statement: the credential, one page of the tenant's contacts matching every filter
 * (in id order, after the cursor), and each one's metadata. The tenant id the key claims is written
 * into the query (the auth CTE refuses a key that is not that tenant's), so the planner knows it
 * and each filter can start from its value index, or walk the tenant's contacts in id order on
 * (tenant_id, id) when the filters match most of them.
 */
export function createSearchStore(db: Database): Pick<ContactReadStore, "search"> {
  return {
    async search({ caller, filters, limit, after, usage = null }) {
      const row = await one(db, ResultSchema, searchStatement(caller, filters, limit, after, usage));
      if (!row.authorized) {
        return { status: "unauthorized" };
      }
      return { status: "ok", contacts: row.contacts };
    },
  };
}

function searchStatement(
  caller: Caller,
  filters: readonly PlannedFilter[],
  limit: number,
  after: string | null,
  usage: UsageRecord | null,
): SQL {
  const tenantId = caller.tenantId;
  const conditions = filters.map((filter) => sql` AND ${predicate(tenantId, filter)}`);
  return sql`
    WITH ${authCte(caller)},
    page AS (
      SELECT c.id, c.name, c.email, c.phone FROM contacts c
      WHERE c.tenant_id = ${tenantId}::uuid AND EXISTS (SELECT 1 FROM auth)
        ${after === null ? sql`` : sql`AND c.id > ${after}::uuid`}
        ${sql.join(conditions)}
      ORDER BY c.id
      LIMIT ${limit}
    ),
    -- A read is a request too: counted by its own statement.
    ${usageCte(usage, sql`EXISTS (SELECT 1 FROM auth)`)}
    SELECT
      EXISTS (SELECT 1 FROM auth) AS authorized,
      COALESCE((
        SELECT jsonb_agg(jsonb_build_object(
          'id', p.id, 'name', p.name, 'email', p.email, 'phone', p.phone,
          'metadata', COALESCE(
            (SELECT jsonb_object_agg(v.key, v.value) FROM contact_field_values v WHERE v.contact_id = p.id),
            '{}'::jsonb)
        ) ORDER BY p.id)
        FROM page p
      ), '[]'::jsonb) AS contacts
  `;
}
