import { emailKey, hasPhone, identityOf, phoneKey } from "../core/contacts/identity";
import { DomainError } from "../core/errors";
import type { IdempotencyClaim } from "../core/idempotency/idempotency";
import type { UpdatedField } from "../core/metadata/item-results";
import type { MetadataEntry } from "../core/metadata/metadata-value";
import type { UpdateItem } from "../core/metadata/plan-update";
import type { Deps } from "./deps";
import { identityConflict } from "./identity-conflict";
import type { Caller, IdentityClaim } from "./ports";
import { updateMetadata } from "./update-metadata";

/** An item of a (bulk) update: a contact by its id, or by email and/or phone (found or created). */
export type ContactItem = { entries: readonly MetadataEntry[] } & (
  | { aiContactId: string }
  | { email?: string | null; phone?: string | null; name?: string | null }
);

export type ContactItemResult =
  | { index: number; contactId: string | null; ok: true; created: boolean; fields: UpdatedField[] }
  | { index: number; contactId: string | null; ok: false; error: DomainError };

/**
 * Items addressed by id or by identity, in ONE statement (updateMetadata): each identity item is
 * found by email, else phone, or created (the unique indexes arbitrate concurrent creations), then
 * written exactly like an update. An item fails alone: a bad email or phone, an email or phone
 * another item of the request names too (merge them), a bad key (400); email and phone naming two
 * different contacts (409); a missing contact by id (404).
 */
export async function updateContacts(
  deps: Deps,
  input: {
    caller: Caller;
    requestId: string;
    items: readonly ContactItem[];
    /** The request's Idempotency-Key, claimed by the statement that writes. */
    idempotency?: IdempotencyClaim | undefined;
    /** One contact (an upsert): its refusal (404, 409) refuses the statement, nothing written. */
    requireContacts?: boolean;
  },
): Promise<ContactItemResult[]> {
  const results: (ContactItemResult | undefined)[] = [];
  const sent: { index: number; item: UpdateItem; claim?: IdentityClaim }[] = [];
  const emails = new Map<string, number>();
  const phones = new Map<string, number>();
  const phoneMetadata = input.items.some((item) => !("aiContactId" in item) && hasPhone(item))
    ? await deps.phoneMetadata()
    : undefined;
  input.items.forEach((item, index) => {
    if ("aiContactId" in item) {
      sent.push({ index, item: { contactId: item.aiContactId, entries: item.entries } });
      return;
    }
    try {
      const identity = identityOf(item, "", phoneMetadata);
      const keys = [
        identity.email === null ? undefined : ([emails, emailKey(identity.email), "email"] as const),
        identity.phone === null ? undefined : ([phones, phoneKey(identity.phone), "phone"] as const),
      ].flatMap((k) => (k ? [k] : []));
      for (const [seen, key, what] of keys) {
        const earlier = seen.get(key);
        if (earlier !== undefined) {
          throw new DomainError(
            "INVALID_INPUT",
            `this ${what} is item ${earlier}'s too: one contact per request, merge the items`,
          );
        }
      }
      for (const [seen, key] of keys) {
        seen.set(key, index);
      }
      const ref = deps.newId();
      const claim = { ref, ...identity, name: item.name ?? null };
      sent.push({ index, item: { contactId: ref, entries: item.entries }, claim });
    } catch (err) {
      if (!(err instanceof DomainError)) {
        throw err;
      }
      results[index] = { index, contactId: null, ok: false, error: err };
    }
  });

  // No items at all still go through (the statement checks the key: 401); items all refused here do not.
  if (sent.length > 0 || input.items.length === 0) {
    const outcome = await updateMetadata(deps, {
      caller: input.caller,
      requestId: input.requestId,
      items: sent.map((s) => s.item),
      identify: sent.flatMap((s) => (s.claim ? [s.claim] : [])),
      idempotency: input.idempotency,
      requireContacts: input.requireContacts ?? false,
    });
    const identified = new Map(outcome.identified.map((o) => [o.ref, o]));
    for (const result of outcome.results) {
      const { index, claim } = sent[result.index] ?? { index: result.index };
      const found = claim ? identified.get(claim.ref) : undefined;
      const contactId = claim ? (found?.id ?? null) : result.contactId;
      if (claim && found && found.id === null) {
        results[index] = { index, contactId: null, ok: false, error: identityConflict(claim, found) };
      } else if (result.ok) {
        results[index] = {
          index,
          contactId,
          ok: true,
          created: found?.created ?? false,
          fields: result.fields,
        };
      } else {
        results[index] = { index, contactId, ok: false, error: result.error };
      }
    }
  }
  return input.items.map((_, index) => {
    const result = results[index];
    if (!result) {
      throw new Error(`item ${index} of the update has no result`);
    }
    return result;
  });
}

/**
 * The contact with this email or phone, created when there is none, with its metadata written
 * exactly as update-metadata writes it: one statement, all or nothing.
 */
export async function upsertContact(
  deps: Deps,
  input: {
    caller: Caller;
    requestId: string;
    email: string | null;
    phone: string | null;
    name: string | null;
    entries: readonly MetadataEntry[];
    idempotency?: IdempotencyClaim | undefined;
  },
): Promise<{ id: string; created: boolean; fields: UpdatedField[] }> {
  const [result] = await updateContacts(deps, {
    caller: input.caller,
    requestId: input.requestId,
    idempotency: input.idempotency,
    requireContacts: true,
    items: [{ email: input.email, phone: input.phone, name: input.name, entries: input.entries }],
  });
  if (!result) {
    throw new Error("the upsert's item has no result");
  }
  if (!result.ok) {
    throw result.error;
  }
  if (result.contactId === null) {
    throw new Error("the upsert's contact has no id");
  }
  return { id: result.contactId, created: result.created, fields: result.fields };
}
