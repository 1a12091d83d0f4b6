import { ApiError } from "../../errors";
import type { Caller, ContactStore, FieldDefinitionStore, StoredField } from "../ports";
import type { MetadataEntry } from "./metadata-value";
import { planMetadataUpdate, type UnmatchedResolver } from "./plan-update";

export interface UpdateMetadataDeps {
  contacts: ContactStore;
  fieldDefinitions: FieldDefinitionStore;
  definitionIdFor: (tenantId: string, key: string) => Promise<string>;
  now: () => Date;
  resolveUnmatched?: UnmatchedResolver;
}

export type UpdatedField = StoredField & { warning?: string };

/**
 * The whole update: one KV read for the definitions, the plan, then one database statement that
 * authenticates, checks the contact and writes. New definitions go to KV only after that commit.
 */
export async function updateContactMetadata(
  deps: UpdateMetadataDeps,
  input: { caller: Caller; contactId: string; requestId: string; entries: readonly MetadataEntry[] },
): Promise<UpdatedField[]> {
  const { caller } = input;
  const definitions = await deps.fieldDefinitions.list(caller.tenantId);
  const plan = await planMetadataUpdate(input.entries, definitions, {
    definitionIdFor: (key) => deps.definitionIdFor(caller.tenantId, key),
    now: deps.now().toISOString(),
    ...(deps.resolveUnmatched ? { resolveUnmatched: deps.resolveUnmatched } : {}),
  });

  const result = await deps.contacts.applyMetadata({
    caller,
    contactId: input.contactId,
    requestId: input.requestId,
    writes: plan.writes,
  });
  if (result.status === "unauthorized") {
    throw new ApiError("UNAUTHORIZED", "invalid or revoked API key");
  }
  if (result.status === "contact_not_found") {
    throw new ApiError("NOT_FOUND", `contact ${input.contactId} not found`);
  }
  // Only a verified caller reaches this line, so a forged key never writes to KV.
  if (plan.newDefinitions.length > 0) {
    await deps.fieldDefinitions.addMissing(caller.tenantId, plan.newDefinitions);
  }

  const warnings = new Map(plan.writes.flatMap((w) => (w.warning ? [[w.key, w.warning] as const] : [])));
  return result.fields.map((field) => {
    const warning = warnings.get(field.key);
    return warning ? { ...field, warning } : field;
  });
}
