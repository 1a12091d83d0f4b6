import { DomainError } from "../errors";
import type { FieldWrite, MatchedBy, PlannedItem } from "./plan-update";

/** A field value as the store holds it and the API shows it. */
export interface StoredField {
  id: string | null;
  ai_contact_id: string;
  custom_field_definition_id: string;
  key: string;
  value: string | null;
  source_key: string;
  matched_by: MatchedBy;
  created_at: string | null;
  updated_at: string | null;
}

export type UpdatedField = StoredField & { warning?: string };

/** The outcome for one contact of a (bulk) update: its fields, or why it was not updated. */
export type ItemResult =
  | { index: number; contactId: string; ok: true; fields: UpdatedField[] }
  | { index: number; contactId: string; ok: false; error: DomainError };

/**
 * Joins the plan with what the statement stored. `stored[i]` belongs to the i-th planned item that
 * was sent (the refused ones were not); null means its contact does not exist for the tenant.
 */
export function itemResults(
  items: readonly PlannedItem[],
  stored: readonly (StoredField[] | null)[],
): ItemResult[] {
  let sent = 0;
  return items.map((item): ItemResult => {
    if ("error" in item) {
      return { index: item.index, contactId: item.contactId, ok: false, error: item.error };
    }
    const fields = stored[sent++];
    if (!fields) {
      return {
        index: item.index,
        contactId: item.contactId,
        ok: false,
        error: new DomainError("NOT_FOUND", `contact ${item.contactId} not found`),
      };
    }
    const warnings = warningsByKey(item.writes);
    return {
      index: item.index,
      contactId: item.contactId,
      ok: true,
      fields: fields.map((field) => {
        const warning = warnings.get(field.key);
        return warning ? { ...field, warning } : field;
      }),
    };
  });
}

const warningsByKey = (writes: readonly FieldWrite[]) =>
  new Map(writes.flatMap((w) => (w.warning ? [[w.key, w.warning] as const] : [])));
