import { sql } from "drizzle-orm";
import * as z from "zod/mini";
import type { StoredField } from "../../core/metadata/item-results";
import type { MetadataStore } from "../../services/ports";
import type { Database } from "./client";
import { ContactRowSchema } from "./contact-store";
import { claimColumn, claimCte, earlierClaimOf } from "./idempotency-sql";
import {
  IdentifiedSchema,
  identifiedColumn,
  identifiedTargets,
  identityCtes,
  identityOutcomes,
} from "./identity-sql";
import { OUTBOX_IDS_COLUMN, updateOutboxCtes } from "./outbox";
import { asUuid, authCte, Count, isUniqueViolation, jsonParam, Refused, run, Timestamp } from "./sql";
import { spendColumn, spendCte, spendOf, usageCte } from "./usage-sql";

const MatchedBySchema = z.enum(["exact", "alias", "synonym", "llm", "new"]);

const StoredRowSchema = z.object({
  ord: z.number(),
  contact_id: z.string(),
  key: z.string(),
  value: z.nullable(z.string()),
  definition_id: z.string(),
  source_key: z.string(),
  matched_by: MatchedBySchema,
  id: z.nullable(z.string()),
  created_at: z.nullable(Timestamp),
  updated_at: z.nullable(Timestamp),
});

const ResultSchema = z.object({
  authorized: z.boolean(),
  duplicate: z.boolean(),
  found: z.array(z.string()),
  born: z.array(ContactRowSchema),
  rows: z.array(StoredRowSchema),
  version: z.nullable(Count),
  version_before: z.nullable(Count),
  created: z.array(z.object({ id: z.string(), key: z.string() })),
  taught: z.array(z.object({ name: z.string(), definition_id: z.string() })),
  idempotency: z.unknown(),
  llm_spend: z.unknown(),
  identified: IdentifiedSchema,
  event_ids: z.array(z.string()),
});

const NotFoundReasonSchema = z.object({ code: z.literal("NOT_FOUND"), identified: IdentifiedSchema });

const LimitReasonSchema = z.object({
  code: z.literal("DEFINITION_LIMIT_EXCEEDED"),
  limit: z.number(),
  count: z.number(),
  keys: z.array(z.string()),
});

/**
 * The update of any number of contacts as ONE statement (one round trip, one transaction):
 *
 *   auth -> delivery (webhook retries) -> born (POST /contact's new contact)
 *   -> ident .. identified: contacts named by email or phone, found or created (identity-sql.ts)
 *   -> locked: the contacts written, row-locked in id order until commit, so their activity rows
 *      are numbered (seq) in commit order -> target contacts -> input rows
 *   -> gate: the tenant row, locked FOR UPDATE only when the request proposes definitions or
 *      aliases, so every change to a tenant's names is serialised and none can deadlock another
 *   -> claimed: each proposed key's name, inserted or, when someone owns it already (a projection
 *      older than the ledger), resolved to its owner -> created: definitions for the names won
 *   -> taught: learned aliases, first claim wins -> bumped: the version, when anything changed
 *   -> resolved: each value under the definition that owns its name -> upserted / cleared
 *   -> activity: one row per contact, old values joined through a jsonb object (linear, not
 *      key x key), each change built before the ordered aggregate sorts them -> the outbox: change events of the
 *      contacts whose values changed (outbox.ts) -> the rows of the response. test/routes/key-scaling.test.ts holds the plan to that (EXPLAIN ANALYZE).
 *
 * Past the definition limit the statement refuses itself (`refuse()`): nothing at all is written.
 * So does a single-contact request whose contact is missing (`requireContacts`: a 404 leaves no
 * idempotency claim and no usage). The Idempotency-Key claim (`idem`, `go`) comes first and gates
 * every write; the usage row and the LLM spend ride along (src/adapters/db/idempotency-sql.ts,
 * usage-sql.ts).
 */
export function createMetadataStore(db: Database): MetadataStore {
  return {
    async apply(input) {
      const { caller, requestId, items, newDefinitions, learnedAliases, deliveryId, create = [] } = input;
      const { idempotency, usage = null, requireContacts = false } = input;
      const { identify = [] } = input;
      // Each write after the ones the plan folded into it (FieldWrite.beaten), so the statement's
      // fold (the highest position per contact and key) picks the write the plan picked.
      const writes = items.flatMap(({ contactId, writes }, item) =>
        writes
          .flatMap((w) => [...(w.beaten ?? []), w])
          .map((w, position) => ({
            o: item * 1_000_000 + position,
            c: asUuid(contactId),
            k: w.key,
            v: w.value,
            d: w.definitionId,
            s: w.sourceKey,
            m: w.matchedBy,
            n: w.check?.name ?? null,
            e: w.check?.named ?? null,
            nd: w.check?.newId ?? null,
          })),
      );
      const contacts = items.map((item) => asUuid(item.contactId));
      const delivery = deliveryId ?? null;
      // Authorized, the key (if any) claimed now, and not a webhook delivery applied before.
      const served = sql`EXISTS (SELECT 1 FROM go) AND (${delivery}::text IS NULL OR EXISTS (SELECT 1 FROM delivery))`;

      let rows: Record<string, unknown>[];
      try {
        rows = await run(
          db,
          sql`
        WITH ${authCte(caller)}, ${claimCte(idempotency, requestId)}, ${spendCte(usage)},
        delivery AS (
          -- A webhook submission is applied once: a retry finds its id taken and writes nothing.
          INSERT INTO webhook_deliveries (webhook_id, event_id)
          SELECT auth.webhook_id, ${delivery}::text FROM auth
          WHERE ${delivery}::text IS NOT NULL AND auth.webhook_id IS NOT NULL
          ON CONFLICT DO NOTHING
          RETURNING 1
        ),
        born AS (
          -- Contacts created by this request (ids chosen by the caller), with their values.
          -- event_seq 1: their contact.created event (outbox.ts).
          INSERT INTO contacts (id, tenant_id, name, email, phone, event_seq)
          SELECT b.id, auth.tenant_id, b.name, b.email, b.phone, 1
          FROM jsonb_to_recordset(${jsonParam(create)}) AS b(id uuid, name text, email text, phone text), auth
          WHERE EXISTS (SELECT 1 FROM go)
          RETURNING id, tenant_id, name, email, phone, created_at, updated_at, event_seq
        ),
        ${identityCtes(caller.tenantId, identify)},
        locked AS (
          -- Each written contact is locked (in id order: no two statements wait for each other)
          -- until the statement commits, so its activity rows are numbered (seq) in commit order:
          -- a history page never misses a row committed after it was read (see contact_activities.seq).
          -- Contacts named by email or phone are found (or created) first, whole, before any lock
          -- is taken: a statement waiting for another's new contact holds no contact.
          -- The ids are a joined list, not an IN (subquery): when the lock waited for a writer
          -- that updated the row (the outbox bumps event_seq), Postgres re-checks the row against
          -- the query, and there a sub-select over the identity CTEs came back empty, so the row
          -- was silently dropped (a 404 for a contact that exists). A joined row is kept as read.
          SELECT c.id, c.tenant_id
          FROM (SELECT jsonb_array_elements_text(${jsonParam(contacts)})::uuid AS id
                UNION SELECT id FROM identified WHERE id IS NOT NULL) w
          JOIN contacts c ON c.id = w.id
          JOIN auth ON auth.tenant_id = c.tenant_id
          WHERE (${delivery}::text IS NULL OR EXISTS (SELECT 1 FROM delivery)) AND EXISTS (SELECT 1 FROM go)
          ORDER BY c.id
          FOR NO KEY UPDATE OF c
        ),
        target AS (
          SELECT l.id, l.tenant_id, auth.api_key_id, auth.webhook_id FROM locked l, auth
          UNION ALL
          SELECT b.id, b.tenant_id, auth.api_key_id, auth.webhook_id FROM born b, auth
          UNION ALL
          ${identifiedTargets}
        ),
        sent AS (
          -- Items of an identity claim name it by its ref until the statement knows the contact.
          SELECT i.o, COALESCE(idn.id, i.c) AS c, i.k, i.v, i.d, i.s, i.m, i.n, i.e, i.nd
          FROM jsonb_to_recordset(${jsonParam(writes)})
            AS i(o bigint, c uuid, k text, v text, d uuid, s text, m text, n text, e boolean, nd uuid)
          LEFT JOIN identified idn ON idn.ref = i.c
          WHERE COALESCE(idn.id, i.c) IN (SELECT id FROM target)
        ),
        checked AS (
          -- The ledger, not the projection the request was planned with (it may be older), decides
          -- where a deterministic match goes: the name's owner now (an alias moved to another field
          -- lands there), or, when the ledger no longer has the name (it was un-learned or renamed)
          -- or the definition (deleted), a new text field under the key, as a fresh view would make.
          -- One primary-key probe per key, and one more only for a match the ledger cannot name.
          SELECT s.*, fn.definition_id AS owner_id, fn.definition_key AS owner_key, fn.kind AS owner_kind,
            s.n IS NOT NULL AND fn.definition_id IS NULL AND (s.e OR d.id IS NULL OR d.deleted_at IS NOT NULL) AS gone
          FROM sent s
          LEFT JOIN auth ON true
          LEFT JOIN field_names fn ON s.n IS NOT NULL AND fn.tenant_id = auth.tenant_id AND fn.name = s.n
          LEFT JOIN field_definitions d ON s.n IS NOT NULL AND fn.name IS NULL AND NOT s.e AND d.id = s.d
        ),
        input AS (
          SELECT c.o, c.c, c.v, c.s, c.gone,
            CASE WHEN c.owner_id IS NOT NULL THEN c.owner_key WHEN c.gone THEN c.n ELSE c.k END AS k,
            CASE WHEN c.owner_id IS NOT NULL THEN c.owner_id WHEN c.gone THEN c.nd ELSE c.d END AS d,
            CASE WHEN c.owner_id IS NOT NULL THEN CASE WHEN c.owner_kind = 'alias' THEN 'alias' ELSE 'exact' END
                 WHEN c.gone THEN 'new' ELSE c.m END AS m
          FROM checked c
        ),
        proposed AS (
          -- Only keys that some found contact actually sets: a 404 item creates nothing.
          SELECT DISTINCT p.id, p.key FROM jsonb_to_recordset(${jsonParam(newDefinitions)}) AS p(id uuid, key text)
          WHERE p.key IN (SELECT k FROM input WHERE m = 'new' AND v IS NOT NULL)
          UNION
          SELECT i.d, i.k FROM input i WHERE i.gone AND i.v IS NOT NULL
        ),
        teach AS (
          SELECT DISTINCT ON (a.name) a.name, a.definition_id
          FROM jsonb_to_recordset(${jsonParam(learnedAliases.map((a) => ({ name: a.name, definition_id: a.definitionId })))})
            AS a(name text, definition_id uuid)
          WHERE EXISTS (SELECT 1 FROM target)
        ),
        gate AS (
          SELECT t.id, t.definitions_version, t.definition_count, t.definition_limit
          FROM tenants t JOIN auth ON t.id = auth.tenant_id
          WHERE EXISTS (SELECT 1 FROM proposed) OR EXISTS (SELECT 1 FROM teach)
            -- Every contact is locked (and created by identity) before the tenant, in every
            -- statement: two statements never wait for each other in opposite orders.
            AND (SELECT count(*) FROM target) >= 0
          FOR UPDATE OF t
        ),
        fresh AS (
          SELECT p.key FROM proposed p, gate g
          WHERE NOT EXISTS (SELECT 1 FROM field_names n WHERE n.tenant_id = g.id AND n.name = p.key)
        ),
        claimed AS (
          INSERT INTO field_names AS n
            (tenant_id, name, definition_id, definition_key, kind, source, request_id, api_key_id, webhook_id)
          SELECT g.id, p.key, p.id, p.key, 'key', 'request', ${requestId}, auth.api_key_id, auth.webhook_id
          FROM proposed p, gate g, auth
          -- A no-op update on conflict returns the owner's row, even one committed after this
          -- statement's snapshot (the lock above waited for it).
          ON CONFLICT (tenant_id, name) DO UPDATE SET name = excluded.name
          RETURNING n.name, n.definition_id, n.definition_key, n.kind, (n.xmax = 0) AS inserted
        ),
        created AS (
          INSERT INTO field_definitions AS d (id, tenant_id, key, label, type)
          SELECT c.definition_id, g.id, c.definition_key, c.definition_key, 'text'
          FROM claimed c, gate g WHERE c.inserted
          -- A deleted definition comes back as a new text field under its old id.
          ON CONFLICT (id) DO UPDATE SET
            label = excluded.label, type = 'text', description = NULL, options = NULL,
            created_at = now(), updated_at = now(), deleted_at = NULL
          WHERE d.deleted_at IS NOT NULL
          RETURNING d.id, d.key
        ),
        taught AS (
          INSERT INTO field_names
            (tenant_id, name, definition_id, definition_key, kind, source, request_id, api_key_id, webhook_id)
          SELECT g.id, a.name, d.id, d.key, 'alias', 'llm', ${requestId}, auth.api_key_id, auth.webhook_id
          FROM teach a
          JOIN gate g ON true
          JOIN auth ON true
          JOIN field_definitions d ON d.id = a.definition_id AND d.tenant_id = g.id AND d.deleted_at IS NULL
          WHERE a.name NOT IN (SELECT name FROM claimed)
          ON CONFLICT DO NOTHING
          RETURNING name, definition_id
        ),
        bumped AS (
          UPDATE tenants t SET
            definitions_version = t.definitions_version + 1,
            definition_count = t.definition_count + (SELECT count(*) FROM created)
          FROM gate g
          WHERE t.id = g.id AND (EXISTS (SELECT 1 FROM created) OR EXISTS (SELECT 1 FROM taught))
          RETURNING t.definitions_version
        ),
        resolved AS (
          -- A key planned as new whose name someone else owns lands in the owner's field.
          SELECT DISTINCT ON (i.c, COALESCE(c.definition_key, i.k))
            i.o, i.c, COALESCE(c.definition_key, i.k) AS k, i.v, COALESCE(c.definition_id, i.d) AS d, i.s,
            CASE WHEN c.definition_id IS NULL OR c.definition_id = i.d THEN i.m
                 WHEN c.kind = 'alias' THEN 'alias' ELSE 'exact' END AS m
          FROM input i LEFT JOIN claimed c ON i.m = 'new' AND c.name = i.k
          ORDER BY i.c, COALESCE(c.definition_key, i.k), i.o DESC
        ),
        upserted AS (
          INSERT INTO contact_field_values AS v
            (tenant_id, contact_id, custom_field_definition_id, key, value, source_key, matched_by)
          SELECT t.tenant_id, t.id, r.d, r.k, r.v, r.s, r.m
          FROM resolved r JOIN target t ON t.id = r.c WHERE r.v IS NOT NULL
          ON CONFLICT (contact_id, key) DO UPDATE SET
            value = excluded.value,
            custom_field_definition_id = excluded.custom_field_definition_id,
            source_key = excluded.source_key,
            matched_by = excluded.matched_by,
            updated_at = now()
          RETURNING new.contact_id, new.id, new.key, new.created_at, new.updated_at, old.value AS old_value
        ),
        cleared AS (
          DELETE FROM contact_field_values v USING resolved r
          WHERE r.v IS NULL AND v.contact_id = r.c AND v.key = r.k
          RETURNING v.contact_id, v.id, v.key, v.value AS old_value
        ),
        olds AS (
          SELECT contact_id, jsonb_object_agg(key, old_value) AS o
          FROM (SELECT contact_id, key, old_value FROM upserted UNION ALL SELECT contact_id, key, old_value FROM cleared) x
          GROUP BY contact_id
        ),
        change AS MATERIALIZED (
          -- Each change built here, row by row, BEFORE the ordered aggregate below sorts them: left
          -- to the aggregate, every sorted row carried its contact's whole olds object (keys x keys
          -- bytes). MATERIALIZED keeps the planner from folding this back into that aggregate.
          SELECT r.c, r.o, jsonb_build_object(
              'key', r.k, 'source_key', r.s, 'old_value', o.o ->> r.k, 'new_value', r.v) AS change
          FROM resolved r LEFT JOIN olds o ON o.contact_id = r.c
        ),
        changes AS (
          SELECT c, jsonb_agg(change ORDER BY o) AS changes FROM change GROUP BY c
        ),
        activity AS (
          INSERT INTO contact_activities (tenant_id, contact_id, api_key_id, webhook_id, request_id, kind, changes)
          SELECT t.tenant_id, t.id, t.api_key_id, t.webhook_id, ${requestId}, 'metadata_updated', ch.changes
          FROM target t JOIN changes ch ON ch.c = t.id
          RETURNING id
        ),
        ${updateOutboxCtes(requestId)},
        ${usageCte(usage, served, {
          fields: sql`(SELECT count(*) FROM upserted) + (SELECT count(*) FROM cleared)`,
          contacts: sql`(SELECT count(*) FROM born) + (SELECT count(*) FROM identified WHERE created)`,
        })}
        -- One column (a stored statement's shape): the answer as one JSON object.
        SELECT to_jsonb(answer) AS result FROM (SELECT
          EXISTS (SELECT 1 FROM auth) AS authorized,
          (${delivery}::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM delivery)) AS duplicate,
          COALESCE((SELECT jsonb_agg(id) FROM target), '[]'::jsonb) AS found,
          COALESCE((SELECT jsonb_agg(to_jsonb(b)) FROM born b), '[]'::jsonb) AS born,
          COALESCE((
            SELECT jsonb_agg(jsonb_build_object(
              'ord', r.o, 'contact_id', r.c, 'key', r.k, 'value', r.v, 'definition_id', r.d,
              'source_key', r.s, 'matched_by', r.m, 'id', COALESCE(u.id, cl.id),
              'created_at', u.created_at, 'updated_at', u.updated_at) ORDER BY r.o)
            FROM resolved r
            LEFT JOIN upserted u ON u.contact_id = r.c AND u.key = r.k
            LEFT JOIN cleared cl ON cl.contact_id = r.c AND cl.key = r.k
          ), '[]'::jsonb) AS rows,
          COALESCE((SELECT definitions_version FROM bumped),
            (SELECT t.definitions_version FROM tenants t JOIN auth ON t.id = auth.tenant_id)) AS version,
          (SELECT definitions_version FROM gate) AS version_before,
          COALESCE((SELECT jsonb_agg(jsonb_build_object('id', id, 'key', key)) FROM created), '[]'::jsonb) AS created,
          COALESCE((SELECT jsonb_agg(jsonb_build_object('name', name, 'definition_id', definition_id)) FROM taught), '[]'::jsonb) AS taught,
          ${identifiedColumn} AS identified,
          (SELECT CASE WHEN g.definition_count + (SELECT count(*) FROM fresh) <= g.definition_limit THEN true
            ELSE refuse(jsonb_build_object('code', 'DEFINITION_LIMIT_EXCEEDED', 'limit', g.definition_limit,
              'count', g.definition_count, 'keys', (SELECT jsonb_agg(key ORDER BY key) FROM fresh))) END
           FROM gate g) AS within_limit,
          CASE WHEN ${requireContacts}::boolean AND (${served}) AND (SELECT count(*) FROM target) < ${contacts.length}
            THEN refuse(jsonb_build_object('code', 'NOT_FOUND', 'identified', ${identifiedColumn})) ELSE true END AS all_found,
          ${claimColumn(idempotency)} AS idempotency,
          ${spendColumn(usage)} AS llm_spend,
          ${OUTBOX_IDS_COLUMN} AS event_ids
        ) answer
      `,
          "stored",
        );
      } catch (err) {
        if (err instanceof Refused) {
          const notFound = z.safeParse(NotFoundReasonSchema, err.reason);
          if (notFound.success) {
            const identified = identityOutcomes(notFound.data.identified);
            // A contact named by email or phone is missing only when its claim was refused.
            return identified.some((i) => i.id === null)
              ? { status: "identity_refused", identified }
              : { status: "not_found" };
          }
          const reason = z.parse(LimitReasonSchema, err.reason);
          return { status: "limit_exceeded", limit: reason.limit, count: reason.count, keys: reason.keys };
        }
        // Only contacts inserted by identity can collide: one created meanwhile by another statement.
        if (identify.length > 0 && isUniqueViolation(err)) {
          return { status: "identity_taken" };
        }
        throw err;
      }
      const result = z.parse(ResultSchema, rows[0]?.result);
      if (!result.authorized) {
        return { status: "unauthorized" };
      }
      const spend = spendOf(result.llm_spend);
      const earlier = earlierClaimOf(result.idempotency);
      if (earlier) {
        return { status: "claimed_earlier", earlier, spend };
      }
      if (result.duplicate) {
        return { status: "duplicate" };
      }
      const found = new Set(result.found);
      const identified = identityOutcomes(result.identified);
      const refs = new Map(identified.map((i) => [i.ref, i.id ?? i.ref]));
      const byContact = new Map<string, StoredField[]>();
      for (const row of result.rows) {
        const fields = byContact.get(row.contact_id) ?? [];
        byContact.set(row.contact_id, fields);
        fields.push({
          id: row.id,
          ai_contact_id: row.contact_id,
          custom_field_definition_id: row.definition_id,
          key: row.key,
          value: row.value,
          source_key: row.source_key,
          matched_by: row.matched_by,
          created_at: row.created_at,
          updated_at: row.updated_at,
        });
      }
      const version = result.version ?? 0;
      return {
        status: "ok",
        spend,
        version,
        created: result.born,
        delta:
          result.version_before === null || (result.created.length === 0 && result.taught.length === 0)
            ? null
            : {
                from: result.version_before,
                to: version,
                upsert: result.created.map(({ id, key }) => ({
                  id,
                  key,
                  label: key,
                  type: "text",
                  aliases: [],
                })),
                remove: [],
                aliasesAdded: result.taught.map((t) => ({ definitionId: t.definition_id, name: t.name })),
                aliasesRemoved: [],
              },
        items: contacts.map((ref) => {
          const id = refs.get(ref) ?? ref;
          return found.has(id) ? (byContact.get(id) ?? []) : null;
        }),
        identified,
        eventIds: result.event_ids,
      };
    },
  };
}
