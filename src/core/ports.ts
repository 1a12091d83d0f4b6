import type { FieldDefinition } from "./fields/definition";
import type { FieldWrite, LearnedAlias, MatchedBy } from "./metadata/plan-update";

/** Who is calling: the tenant the API key claims and the key's hash, verified by the store. */
export interface Caller {
  tenantId: string;
  keyHash: string;
  /** What the hash is of: an API key (default) or a webhook URL token. */
  via?: "api_key" | "webhook";
}

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

export interface Contact {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  created_at: string;
  updated_at: string;
}

/** Outcomes the store reports instead of throwing, so the route decides 401 vs 404. */
export type Authorized<T> =
  | { status: "unauthorized" }
  | { status: "contact_not_found" }
  | ({ status: "ok" } & T);

export interface ContactStore {
  /**
   * Verifies the caller, checks each contact and writes every value plus one activity row per
   * contact with writes, atomically for all items. `results[i]` is null when item i's contact
   * does not exist or belongs to another tenant.
   */
  applyMetadata(input: {
    caller: Caller;
    requestId: string;
    items: readonly { contactId: string; writes: readonly FieldWrite[] }[];
    /** Webhook callers: the submission's own id; if it was applied before, nothing is written. */
    deliveryId?: string | undefined;
  }): Promise<
    { status: "unauthorized" } | { status: "duplicate" } | { status: "ok"; results: (StoredField[] | null)[] }
  >;
  getContactInfo(input: {
    caller: Caller;
    contactId: string;
  }): Promise<Authorized<{ contact: Contact; fields: StoredField[] }>>;
  createContact(input: {
    caller: Caller;
    contact: { name?: string | undefined; email?: string | undefined; phone?: string | undefined };
  }): Promise<{ status: "unauthorized" } | { status: "ok"; contact: Contact }>;
  /** For routes that touch only KV: is this key live for this tenant? */
  verifyCaller(caller: Caller): Promise<boolean>;
}

export interface FieldDefinitionStore {
  list(tenantId: string): Promise<FieldDefinition[]>;
  /**
   * Adds definitions that are not there yet (by key; existing ones are kept) and aliases learned
   * from the LLM (skipped when the name is already taken by any definition).
   */
  record(
    tenantId: string,
    changes: { definitions: readonly FieldDefinition[]; aliases: readonly LearnedAlias[]; now: string },
  ): Promise<void>;
  put(tenantId: string, definition: FieldDefinition): Promise<void>;
  remove(tenantId: string, key: string): Promise<boolean>;
}
