// What the services need from the outside world. Adapters (src/adapters/) implement these; the
// services sequence them. Nothing here has business rules.
import type { EventMessage } from "../core/events/event-message";
import type { ContactEventType } from "../core/events/event-types";
import type { DefinitionsSnapshot, FieldDefinition, FieldType } from "../core/fields/definition";
import type { DefinitionsDelta } from "../core/fields/definitions-delta";
import type { EarlierClaim, IdempotencyClaim, StoredResponse } from "../core/idempotency/idempotency";
import type { LlmCallReport } from "../core/matching/llm-report";
import type { Resolution } from "../core/matching/resolution";
import type { UnmatchedField } from "../core/matching/unmatched-field";
import type { StoredField } from "../core/metadata/item-results";
import type { FieldWrite } from "../core/metadata/plan-update";
import type { PlannedFilter } from "../core/search/filters";
import type { TenantSpend } from "../core/usage/llm-budget";
import type { UsageDay, UsageRecord } from "../core/usage/usage-record";
import type { ContactHint } from "../core/webhooks/contact-hint";

/** Who is calling: the tenant the credential claims and its hash, verified by the database. */
export interface Caller {
  tenantId: string;
  keyHash: string;
  /** What the hash is of: an API key, or a webhook URL token. */
  via: "api_key" | "webhook";
}

export interface Contact {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  created_at: string;
  updated_at: string;
}

export type { DefinitionsDelta } from "../core/fields/definitions-delta";

export type ApplyOutcome =
  | { status: "unauthorized" }
  | { status: "duplicate" }
  /** A contact with an email or phone being created was created by another statement meanwhile. */
  | { status: "identity_taken" }
  | { status: "limit_exceeded"; limit: number; count: number; keys: string[] }
  /** `requireContacts` and a contact is missing: the statement refused itself, nothing written. */
  | { status: "not_found" }
  /** `requireContacts` and an identity claim was refused (a conflict): nothing written. */
  | { status: "identity_refused"; identified: IdentityOutcome[] }
  /** The Idempotency-Key is held by an earlier request: nothing was written. */
  | { status: "claimed_earlier"; earlier: EarlierClaim; spend: TenantSpend | null }
  | {
      status: "ok";
      /** The tenant's LLM budget and this month's spend, this statement's call included. */
      spend: TenantSpend | null;
      /** The tenant's definitions version after the statement. */
      version: number;
      /** The contacts this request created (`create`). */
      created: Contact[];
      delta: DefinitionsDelta | null;
      /** Per item, its stored fields in write order; null when the contact does not exist for the tenant. */
      items: (StoredField[] | null)[];
      /** Per identity claim (`identify`), the contact it found or created. */
      identified: IdentityOutcome[];
      /** The change events the statement committed (the transactional outbox), for the events queue. */
      eventIds: readonly string[];
    };

/** A contact named by email and/or phone instead of its id (upserts, POST /contact). */
export interface IdentityClaim {
  /** A fresh id the items use for this contact; it becomes the contact's id if it is created. */
  ref: string;
  email: string | null;
  phone: string | null;
  /** Stored only when the contact is created. */
  name: string | null;
  /** POST /contact: an existing contact with this email or phone is a conflict, not a match. */
  onlyNew?: boolean;
}

export interface IdentityOutcome {
  ref: string;
  /** The contact the claim's items were applied to; null when refused (a conflict). */
  id: string | null;
  created: boolean;
  /** The new contact's row, when `created`. */
  contact: Contact | null;
  /** The contacts that hold the claim's email and phone (before this statement). */
  byEmail: string | null;
  byPhone: string | null;
}

export interface MetadataStore {
  /**
   * ONE statement: verifies the caller, checks each contact, records new definitions and learned
   * aliases, writes every value and one activity row per contact with writes, atomically.
   */
  apply(input: {
    caller: Caller;
    requestId: string;
    items: readonly { contactId: string; writes: readonly FieldWrite[] }[];
    newDefinitions: readonly { id: string; key: string }[];
    learnedAliases: readonly { name: string; definitionId: string }[];
    /** Webhook callers: the submission's own id; if it was applied before, nothing is written. */
    deliveryId?: string | undefined;
    /** Contacts to create in the same statement (their ids chosen by the caller); items may name them. */
    create?: readonly { id: string; name: string | null; email: string | null; phone: string | null }[];
    /** Single-contact requests: a missing contact refuses the whole statement (404, nothing written). */
    requireContacts?: boolean;
    /** Claimed by the statement; every write is gated on the claim (src/adapters/db/idempotency-sql.ts). */
    idempotency?: IdempotencyClaim | undefined;
    /** Usage to record with the writes; null: metering off. */
    usage?: UsageRecord | null;
    /** Contacts to find (or create) by email or phone; items name them by the claim's `ref`. */
    identify?: readonly IdentityClaim[];
  }): Promise<ApplyOutcome>;
}

export interface CallerStore {
  /** Is this credential live for its tenant? One cheap statement, which also reads the LLM spend. */
  verify(caller: Caller): Promise<{ ok: boolean; spend: TenantSpend | null }>;
}

export interface ContactStore {
  info(input: {
    caller: Caller;
    contactId: string;
    /** The read's usage row, appended by the same statement; null: metering off. */
    usage?: UsageRecord | null;
  }): Promise<
    | { status: "unauthorized" }
    | { status: "not_found" }
    | { status: "ok"; contact: Contact; fields: StoredField[] }
  >;
}

/** One row of a contact's history, as the activity route shows it. */
export interface ActivityEntry {
  id: string;
  /** The history's order (newest first); the page cursor is made from it. */
  seq: string;
  created_at: string;
  kind: string;
  request_id: string;
  api_key_prefix: string | null;
  webhook_id: string | null;
  changes: { key: string; source_key: string; old_value: string | null; new_value: string | null }[];
}

export interface FoundContact {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  metadata: Record<string, string>;
}

/** The read side: a contact's history and search. One statement each, the credential checked in it. */
export interface ContactReadStore {
  /** Up to `limit` entries, newest first, older than `before` (a seq), only those changing `key`. */
  activity(input: {
    caller: Caller;
    contactId: string;
    limit: number;
    before: string | null;
    key: string | null;
    /** Usage to record with the read (a 404 records none); null: metering off. */
    usage?: UsageRecord | null;
  }): Promise<
    { status: "unauthorized" } | { status: "not_found" } | { status: "ok"; entries: ActivityEntry[] }
  >;
  /** Up to `limit` contacts matching every filter, in id order, after `after` (a contact id). */
  search(input: {
    caller: Caller;
    filters: readonly PlannedFilter[];
    limit: number;
    after: string | null;
    /** Usage to record with the read; null: metering off. */
    usage?: UsageRecord | null;
  }): Promise<{ status: "unauthorized" } | { status: "ok"; contacts: FoundContact[] }>;
}

export interface AliasRecord {
  alias: string;
  source: "admin" | "llm" | "request";
  request_id: string | null;
  api_key_prefix: string | null;
  webhook_id: string | null;
  created_at: string;
}

/** A definition as the custom-fields routes show it: the ledger row with its aliases' provenance. */
export interface DefinitionRecord {
  id: string;
  key: string;
  label: string;
  type: FieldType;
  description?: string;
  options?: string[];
  aliases: string[];
  alias_provenance: AliasRecord[];
  created_at: string;
  updated_at: string;
}

export interface DefinitionInput {
  id: string;
  key: string;
  label: string;
  type: FieldType;
  description: string | null;
  options: string[] | null;
  aliases: string[];
}

/** The definitions ledger in Postgres. Every write bumps the tenant's version and returns the snapshot. */
export interface DefinitionStore {
  snapshot(tenantId: string): Promise<DefinitionsSnapshot>;
  /** `usage`: the request's usage row, appended by the same statement (null: metering off). */
  list(
    caller: Caller,
    usage?: UsageRecord | null,
  ): Promise<
    | { status: "unauthorized" }
    | { status: "ok"; definitions: DefinitionRecord[]; count: number; limit: number; version: number }
  >;
  put(
    caller: Caller,
    definition: DefinitionInput & { names: readonly { name: string; kind: "key" | "label" | "alias" }[] },
    requestId: string,
    options?: { idempotency?: IdempotencyClaim | undefined; usage?: UsageRecord | null },
  ): Promise<
    | { status: "unauthorized" }
    | { status: "claimed_earlier"; earlier: EarlierClaim }
    | { status: "conflict"; names: { name: string; owner: string }[] }
    | { status: "limit_exceeded"; limit: number; count: number; keys: string[] }
    | { status: "ok"; created: boolean; definition: DefinitionRecord; delta: DefinitionsDelta }
  >;
  remove(
    caller: Caller,
    definitionId: string,
    usage?: UsageRecord | null,
  ): Promise<
    { status: "unauthorized" } | { status: "not_found" } | { status: "ok"; delta: DefinitionsDelta }
  >;
  unlearn(
    caller: Caller,
    definitionId: string,
    alias: string,
    usage?: UsageRecord | null,
  ): Promise<
    { status: "unauthorized" } | { status: "not_found" } | { status: "ok"; delta: DefinitionsDelta }
  >;
}

/** The KV projection of the ledger: read on the hot path, rewritten whole after a change. */
export interface ProjectionStore {
  read(tenantId: string): Promise<DefinitionsSnapshot | null>;
  write(tenantId: string, snapshot: DefinitionsSnapshot): Promise<void>;
}

export interface WebhookLookup {
  status: "ok";
  webhookId: string;
  signingSecret: string | null;
  /**
   * The answer given to each candidate delivery id before (a retry), by id. A Map: the ids are the
   * sender's text, and `constructor` or `__proto__` must not find Object's own members.
   */
  replays: ReadonlyMap<string, unknown>;
  /** The contact each candidate hint names, by the hint's label. */
  contacts: Record<string, string | null>;
  spend: TenantSpend | null;
}

export interface WebhookStore {
  lookup(input: {
    caller: Caller;
    deliveryIds: readonly string[];
    hints: Readonly<Record<string, ContactHint>>;
  }): Promise<{ status: "unauthorized" } | WebhookLookup>;
  saveResponse(input: { caller: Caller; deliveryId: string; response: unknown }): Promise<void>;
}

/** Stage 2 of matching, in its own Worker. */
export interface FieldMatcher {
  match(
    fields: readonly UnmatchedField[],
    definitions: readonly FieldDefinition[],
  ): Promise<{ resolution: Resolution; report: LlmCallReport }>;
}

/** HMAC-SHA256 checks in constant time (WebCrypto), for webhook signatures. */
export interface Hmac {
  verify(secret: string, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** Idempotency-Key responses, stored after they were sent (the claim itself rides in the write). */
export interface IdempotencyStore {
  /** Stores the response of the request that holds the claim (by its token); prunes expired claims. */
  saveResponse(input: { caller: Caller; claim: IdempotencyClaim; response: StoredResponse }): Promise<void>;
}

/** Usage per tenant per UTC day (append-only rows, rolled up on read) and the LLM spend. */
export interface UsageStore {
  /** The days of a range, and this month's LLM spend; records the read itself as a request. */
  days(input: {
    caller: Caller;
    from: string;
    to: string;
    record: UsageRecord | null;
  }): Promise<{ status: "unauthorized" } | { status: "ok"; days: UsageDay[]; spend: TenantSpend }>;
  /** The tokens of an LLM call whose statement refused itself (nothing else of it was written). */
  recordSpend(input: { caller: Caller; record: UsageRecord }): Promise<void>;
}

// Change events out (issue 16): the webhook endpoints a tenant registers, and the events queue.

/** The `contact-events` queue (Cloudflare Queues); a no-op without the binding (the sweep then finds the rows). */
export interface EventPublisher {
  send(messages: readonly EventMessage[]): Promise<void>;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: ContactEventType[];
  fields: string[] | null;
  description: string | null;
  created_at: string;
}

export type CreatedWebhookEndpoint = WebhookEndpoint & { secret: string };

export interface EventDelivery {
  id: string;
  /** The `webhook-id` header of every attempt of this delivery. */
  webhook_id: string;
  event_id: string;
  event_type: ContactEventType;
  contact_id: string;
  status: "pending" | "sending" | "delivered" | "failed";
  attempts: number;
  last_response_code: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  next_retry_at: string | null;
  delivered_at: string | null;
  failed_at: string | null;
  created_at: string;
}

/** One statement per operation, each verifying the caller; another tenant's endpoint is not found. */
export interface WebhookEndpointStore {
  create(input: {
    caller: Caller;
    endpoint: Omit<CreatedWebhookEndpoint, "id" | "created_at">;
    /** Live endpoints the tenant may have; past it nothing is written. */
    limit: number;
    requestId: string;
    /** Claimed by the statement; the insert is gated on the claim (adapters/db/idempotency-sql.ts). */
    idempotency?: IdempotencyClaim | undefined;
  }): Promise<
    | { status: "unauthorized" }
    | { status: "limit_reached" }
    /** The Idempotency-Key is held by an earlier request: nothing was written. */
    | { status: "claimed_earlier"; earlier: EarlierClaim }
    | { status: "ok"; endpoint: CreatedWebhookEndpoint }
  >;
  list(caller: Caller): Promise<{ status: "unauthorized" } | { status: "ok"; endpoints: WebhookEndpoint[] }>;
  /** Deletes the endpoint and gives up its unsent deliveries. */
  remove(
    caller: Caller,
    id: string,
  ): Promise<{ status: "unauthorized" } | { status: "not_found" } | { status: "ok" }>;
  listDeliveries(input: {
    caller: Caller;
    endpointId: string;
    limit: number;
  }): Promise<
    { status: "unauthorized" } | { status: "not_found" } | { status: "ok"; deliveries: EventDelivery[] }
  >;
  /**
   * Makes the delivery due now, whatever its state, keeping its id (so its `webhook-id`); one
   * being sent right now is left to that attempt (`queued: false`).
   */
  retryDelivery(input: {
    caller: Caller;
    endpointId: string;
    deliveryId: string;
  }): Promise<
    | { status: "unauthorized" }
    | { status: "not_found" }
    | { status: "ok"; queued: boolean; delivery: EventDelivery }
  >;
}

/** The Cron Trigger's scan for what the queue never carried to the events Worker. */
export interface OutboxSweepStore {
  /**
   * Outbox rows not fanned out `graceSeconds` after they were committed or last re-sent, and
   * deliveries overdue by as much: marks them re-sent now, in the statement that finds them, and
   * returns their ids.
   */
  sweep(input: {
    graceSeconds: number;
    limit: number;
  }): Promise<{ eventIds: string[]; deliveryIds: string[] }>;
}
