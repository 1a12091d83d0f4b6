// Contacts named by email or phone instead of their id, as CTEs of the update statement
// (metadata-store.ts): found by the same keys as the unique indexes (contact_email_key,
// contact_phone_key of migrations/*_read_side_sql.sql), created when none exists. The creation is
// an INSERT ... ON CONFLICT on one of those unique indexes, so concurrent statements creating one
// email make ONE contact: the losers wait for the winner and get its row back, even though it was
// committed after their snapshot (DO UPDATE locks and returns the current row; a SELECT could not
// see it).
import { type SQL, sql } from "drizzle-orm";
import * as z from "zod/mini";
import type { IdentityClaim, IdentityOutcome } from "../../services/ports";
import { ContactRowSchema } from "./contact-store";
import { jsonParam } from "./sql";

/**
 * The CTEs `ident` .. `identified`. `identified` has one row per claim: `ref`, `id` (the contact
 * the claim's items go to, NULL when refused), `created`, `contact` (the new row), `by_email`,
 * `by_phone` (who held the email and the phone in this statement's snapshot).
 *
 * - email and phone name two different contacts: refused (id NULL), nothing of the claim written;
 * - one of them names a contact: that contact (email first); the other is not written onto it;
 * - neither: created with both, arbitrated by the email's unique index when there is an email,
 *   else by the phone's; `onlyNew` (POST /contact) claims are refused when anything exists.
 */
export function identityCtes(tenantId: string, claims: readonly IdentityClaim[]): SQL {
  if (claims.length === 0) {
    // The same CTEs, empty: planning the find-or-create costs the usual update several ms.
    return sql`
  ident_by_email AS (SELECT NULL::uuid AS id WHERE false),
  ident_by_phone AS (SELECT NULL::uuid AS id WHERE false),
  identified AS (
    SELECT NULL::uuid AS ref, NULL::uuid AS id, false AS created, NULL::jsonb AS contact,
      NULL::uuid AS by_email, NULL::uuid AS by_phone, NULL::uuid AS raced_email, NULL::uuid AS raced_phone
    WHERE false
  )`;
  }
  const rows = claims.map((c) => ({ r: c.ref, e: c.email, p: c.phone, n: c.name, o: c.onlyNew ?? false }));
  const made = (arbiter: "email" | "phone"): SQL => sql`
    -- event_seq 1: a created contact's contact.created event (outbox.ts).
    INSERT INTO contacts AS c (id, tenant_id, name, email, phone, event_seq)
    SELECT DISTINCT ON (${arbiter === "email" ? sql`s.ek` : sql`s.pk`}) s.r, auth.tenant_id, s.n, s.e, s.p, 1
    FROM ident_seen s, auth
    WHERE s.by_email IS NULL AND s.by_phone IS NULL
      AND ${arbiter === "email" ? sql`s.ek IS NOT NULL` : sql`s.ek IS NULL AND s.pk IS NOT NULL`}
    ORDER BY ${arbiter === "email" ? sql`s.ek` : sql`s.pk`}, s.r
    ON CONFLICT (tenant_id, ${arbiter === "email" ? sql`contact_email_key(email)) WHERE NOT email_duplicate` : sql`contact_phone_key(phone)) WHERE NOT phone_duplicate`}
    -- A no-op update, so the row that won comes back (locked) instead of nothing.
    DO UPDATE SET updated_at = c.updated_at
    RETURNING c.id, c.tenant_id, c.name, c.email, c.phone, c.created_at, c.updated_at,
      ${arbiter}::text AS arbiter, contact_email_key(c.email) AS ek, contact_phone_key(c.phone) AS pk,
      (c.xmax = 0) AS inserted`;
  return sql`
  ident AS (
    SELECT x.r, x.e, x.p, x.n, x.o, contact_email_key(x.e) AS ek, contact_phone_key(x.p) AS pk
    FROM jsonb_to_recordset(${jsonParam(rows)}) AS x(r uuid, e text, p text, n text, o boolean)
    -- Nothing is created for a request whose Idempotency-Key an earlier request holds (\`go\`).
    WHERE EXISTS (SELECT 1 FROM auth) AND EXISTS (SELECT 1 FROM go)
  ),
  ident_seen AS (
    SELECT i.*,
      (SELECT c.id FROM contacts c WHERE c.tenant_id = ${tenantId}::uuid
         AND contact_email_key(c.email) = i.ek AND NOT c.email_duplicate) AS by_email,
      (SELECT c.id FROM contacts c WHERE c.tenant_id = ${tenantId}::uuid
         AND contact_phone_key(c.phone) = i.pk AND NOT c.phone_duplicate) AS by_phone
    FROM ident i
  ),
  ident_by_email AS (${made("email")}),
  ident_by_phone AS (${made("phone")}),
  identified AS (
    SELECT s.r AS ref, s.by_email, s.by_phone, COALESCE(m.inserted, false) AS created,
      CASE WHEN m.inserted THEN jsonb_build_object('id', m.id, 'name', m.name, 'email', m.email,
        'phone', m.phone, 'created_at', m.created_at, 'updated_at', m.updated_at) END AS contact,
      CASE
        WHEN s.o THEN CASE WHEN m.inserted THEN m.id END
        WHEN s.by_email IS NOT NULL AND s.by_phone IS NOT NULL AND s.by_email <> s.by_phone THEN NULL
        ELSE COALESCE(s.by_email, s.by_phone, m.id)
      END AS id,
      -- A claim that lost a race for its key (only POST /contact refuses it) names the winner.
      CASE WHEN NOT m.inserted AND m.arbiter = 'email' THEN m.id END AS raced_email,
      CASE WHEN NOT m.inserted AND m.arbiter = 'phone' THEN m.id END AS raced_phone
    FROM ident_seen s
    -- Joined back by the key that arbitrated (the returned row of a lost race is the winner's,
    -- with the winner's other key).
    LEFT JOIN (SELECT * FROM ident_by_email UNION ALL SELECT * FROM ident_by_phone) m
      ON (m.arbiter = 'email' AND m.ek = s.ek) OR (m.arbiter = 'phone' AND s.ek IS NULL AND m.pk = s.pk)
  )`;
}

/**
 * The contacts `identified` adds to the statement's targets beyond those `locked` holds (found in
 * its snapshot): the ones it created, and one another statement created meanwhile (locked by the
 * ON CONFLICT update that returned it). Once each.
 */
export const identifiedTargets = sql`
  SELECT i.id, auth.tenant_id, auth.api_key_id, auth.webhook_id
  -- Only rows the inserts returned: they are the tenant's by their unique index's tenant_id.
  FROM (SELECT id FROM ident_by_email UNION SELECT id FROM ident_by_phone) i, auth
  WHERE i.id IN (SELECT id FROM identified) AND i.id NOT IN (SELECT id FROM locked)`;

/** The column of the statement's answer. */
export const identifiedColumn = sql`COALESCE((SELECT jsonb_agg(jsonb_build_object(
    'ref', ref, 'id', id, 'created', created, 'contact', contact,
    'by_email', COALESCE(by_email, raced_email), 'by_phone', COALESCE(by_phone, raced_phone))) FROM identified), '[]'::jsonb)`;

export const IdentifiedSchema = z.array(
  z.object({
    ref: z.string(),
    id: z.nullable(z.string()),
    created: z.boolean(),
    contact: z.nullable(ContactRowSchema),
    by_email: z.nullable(z.string()),
    by_phone: z.nullable(z.string()),
  }),
);

export const identityOutcomes = (rows: z.infer<typeof IdentifiedSchema>): IdentityOutcome[] =>
  rows.map((r) => ({
    ref: r.ref,
    id: r.id,
    created: r.created,
    contact: r.contact,
    byEmail: r.by_email,
    byPhone: r.by_phone,
  }));
