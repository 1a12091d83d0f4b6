import { sql } from "drizzle-orm";
import * as z from "zod/mini";
import type { CallerStore, ContactStore } from "../../services/ports";
import type { Database } from "./client";
import { asUuid, authCte, one, Timestamp } from "./sql";
import { spendColumn, spendOf, usageCte } from "./usage-sql";

export const ContactRowSchema = z.object({
  id: z.string(),
  name: z.nullable(z.string()),
  email: z.nullable(z.string()),
  phone: z.nullable(z.string()),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const FieldRowSchema = z.object({
  id: z.string(),
  contact_id: z.string(),
  key: z.string(),
  value: z.string(),
  custom_field_definition_id: z.string(),
  source_key: z.string(),
  matched_by: z.enum(["exact", "alias", "synonym", "llm", "new"]),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const InfoSchema = z.object({
  authorized: z.boolean(),
  contact: z.nullable(ContactRowSchema),
  fields: z.array(FieldRowSchema),
});

export function createContactStore(db: Database): ContactStore {
  return {
    async info({ caller, contactId, usage = null }) {
      const row = await one(
        db,
        InfoSchema,
        sql`
        WITH ${authCte(caller)},
        target AS (
          SELECT c.* FROM contacts c JOIN auth ON auth.tenant_id = c.tenant_id WHERE c.id = ${asUuid(contactId)}::uuid
        ),
        -- A read is a request too: counted by its own statement (a 404 is not counted).
        ${usageCte(usage, sql`EXISTS (SELECT 1 FROM target)`)}
        SELECT
          EXISTS (SELECT 1 FROM auth) AS authorized,
          (SELECT jsonb_build_object('id', id, 'name', name, 'email', email, 'phone', phone,
             'created_at', created_at, 'updated_at', updated_at) FROM target) AS contact,
          COALESCE((
            SELECT jsonb_agg(to_jsonb(v) ORDER BY v.key)
            FROM contact_field_values v JOIN target ON v.contact_id = target.id
          ), '[]'::jsonb) AS fields
      `,
      );
      if (!row.authorized) {
        return { status: "unauthorized" };
      }
      if (!row.contact) {
        return { status: "not_found" };
      }
      return {
        status: "ok",
        contact: row.contact,
        fields: row.fields.map(({ contact_id, ...field }) => ({ ...field, ai_contact_id: contact_id })),
      };
    },
  };
}

export function createCallerStore(db: Database): CallerStore {
  return {
    async verify(caller) {
      // The LLM budget check rides here: a key is confirmed before its first LLM call anyway.
      const row = await one(
        db,
        z.object({ ok: z.boolean(), llm_spend: z.unknown() }),
        sql`WITH ${authCte(caller)} SELECT EXISTS (SELECT 1 FROM auth) AS ok, ${spendColumn()} AS llm_spend`,
      );
      return { ok: row.ok, spend: spendOf(row.llm_spend) };
    },
  };
}
