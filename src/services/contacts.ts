import { contactFields, hasPhone } from "../core/contacts/identity";
import { DomainError } from "../core/errors";
import type { IdempotencyClaim } from "../core/idempotency/idempotency";
import type { UpdatedField } from "../core/metadata/item-results";
import type { MetadataEntry } from "../core/metadata/metadata-value";
import { normalizeEntries } from "../core/metadata/normalize-entries";
import { unauthenticated } from "./caller";
import type { Deps } from "./deps";
import type { Caller, Contact } from "./ports";
import { updateMetadata } from "./update-metadata";
import { meterServed, usageRecord } from "./usage";

/** The contact with all its values: one statement (the credential, the contact and its fields). */
export async function getContactInfo(
  deps: Deps,
  input: { caller: Caller; requestId: string; contactId: string },
) {
  const found = await deps.contacts.info({ ...input, usage: usageRecord(deps, input.requestId) });
  if (found.status === "unauthorized") {
    throw unauthenticated(input.caller);
  }
  if (found.status === "not_found") {
    throw new DomainError("NOT_FOUND", `contact ${input.contactId} not found`);
  }
  meterServed(deps, input.caller, { requests: 1 });
  const metadata: Record<string, string> = Object.create(null);
  for (const field of found.fields) {
    if (field.value !== null) {
      metadata[field.key] = field.value;
    }
  }
  return { ...found.contact, metadata, fields: found.fields };
}

/**
 * A new contact and its metadata in ONE statement: the contact row is created by the same statement
 * that writes its values, so a failure leaves nothing and a retry cannot leave a duplicate behind
 * an error. Its id is chosen here, so the values can name it before it exists.
 */
export async function createContact(
  deps: Deps,
  input: {
    caller: Caller;
    requestId: string;
    contact: { name: string | null; email: string | null; phone: string | null };
    entries: readonly MetadataEntry[];
    idempotency?: IdempotencyClaim | undefined;
  },
): Promise<Contact & { fields: UpdatedField[] }> {
  // Bad keys, a bad email or phone refuse the request before anything exists.
  normalizeEntries(input.entries);
  const { email, phone } = contactFields(
    input.contact,
    hasPhone(input.contact) ? await deps.phoneMetadata() : undefined,
  );
  const now = deps.now().toISOString();
  const id = deps.newId();
  if (email !== null || phone !== null) {
    return createIdentified(deps, { ...input, contact: { name: input.contact.name, email, phone } }, id);
  }
  const outcome = await updateMetadata(deps, {
    caller: input.caller,
    requestId: input.requestId,
    items: [{ contactId: id, entries: input.entries }],
    create: [{ id, ...input.contact, created_at: now, updated_at: now }],
    idempotency: input.idempotency,
  });
  const [created] = outcome.created;
  const [result] = outcome.results;
  if (!created || !result) {
    throw new Error("the contact was not created by its own statement");
  }
  if (!result.ok) {
    throw result.error;
  }
  return { ...created, fields: result.fields };
}

/**
 * A new contact with an email or phone: created through the identity claim, whose unique indexes
 * refuse a second contact with that email or phone (409, pointing at the upsert route) even when
 * two requests create it at the same moment.
 */
async function createIdentified(
  deps: Deps,
  input: {
    caller: Caller;
    requestId: string;
    contact: { name: string | null; email: string | null; phone: string | null };
    entries: readonly MetadataEntry[];
    idempotency?: IdempotencyClaim | undefined;
  },
  id: string,
): Promise<Contact & { fields: UpdatedField[] }> {
  const outcome = await updateMetadata(deps, {
    caller: input.caller,
    requestId: input.requestId,
    items: [{ contactId: id, entries: input.entries }],
    identify: [{ ref: id, ...input.contact, onlyNew: true }],
    idempotency: input.idempotency,
    requireContacts: true,
  });
  const [claim] = outcome.identified;
  const [result] = outcome.results;
  if (!claim || !result) {
    throw new Error("the contact's claim was not answered by its own statement");
  }
  if (!claim.contact) {
    // A claim that created nothing refused the statement (requireContacts): a 409 thrown above.
    throw new Error("the contact's claim created no contact");
  }
  if (!result.ok) {
    throw result.error;
  }
  return { ...claim.contact, fields: result.fields };
}
