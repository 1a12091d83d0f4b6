import type { DefinitionsSnapshot } from "../core/fields/definition";
import type { PhoneMetadata } from "../core/format/format-phone";
import type { LlmCallReport } from "../core/matching/llm-report";
import type { TenantSpend } from "../core/usage/llm-budget";
import type { BoundedCache } from "./bounded-cache";
import type {
  CallerStore,
  ContactReadStore,
  ContactStore,
  DefinitionStore,
  EventPublisher,
  FieldMatcher,
  Hmac,
  IdempotencyStore,
  MetadataStore,
  ProjectionStore,
  UsageStore,
  WebhookEndpointStore,
  WebhookStore,
} from "./ports";
import type { VerifiedCallers } from "./verified-callers";

/** State an isolate keeps across requests (see src/http/services.ts for why it is per isolate). */
export interface IsolateState {
  verified: VerifiedCallers;
  snapshots: BoundedCache<DefinitionsSnapshot>;
  /** The newest ledger version this isolate has seen per tenant: an older snapshot is not used. */
  floors: BoundedCache<number>;
  /** Projection refreshes under way, so a burst of requests starts one, not one each. */
  refreshing: Map<string, Promise<void>>;
  /** Per tenant, the LLM budget and month-to-date spend the last statement answered (10 s). */
  spend: BoundedCache<TenantSpend>;
  /**
   * Clients (`client:<ip>`) and claimed tenants (`tenant:<id>`) past their limit of refused
   * credentials: their unconfirmed credentials get a 429 here without a database check.
   */
  refusing: BoundedCache<true>;
}

/** What one request costs, reported in Server-Timing (and counted by the benchmark). */
export interface RequestMeter {
  kv: { reads: number; writes: number };
  llm: LlmCallReport;
  /**
   * Set once the database confirmed the caller and recorded the request's usage: the tenant, and
   * what was counted (requests 0: a replay, or a row carrying only LLM tokens). Feeds the
   * Analytics Engine data point; null for requests refused before any statement.
   */
  usage: { tenantId: string; requests: number; fieldsWritten: number; contactsCreated: number } | null;
}

/** Everything a service may use; built once per request by src/http/services.ts. */
export interface Deps {
  metadata: MetadataStore;
  contacts: ContactStore;
  /** History and search. */
  reads: ContactReadStore;
  callers: CallerStore;
  definitions: DefinitionStore;
  projections: ProjectionStore;
  webhooks: WebhookStore;
  idempotency: IdempotencyStore;
  usage: UsageStore;
  /** Usage rows and spend recorded by the statements (off only to measure its cost: METERING=off). */
  metering: boolean;
  webhookEndpoints: WebhookEndpointStore;
  /** The events queue: committed outbox ids go to it after the response (a no-op without the binding). */
  events: EventPublisher;
  /** Local config only (`LOCAL_ALLOW_LOOPBACK_WEBHOOKS`): endpoints on 127.0.0.1/localhost over http. */
  allowLoopbackWebhooks: boolean;
  hmac: Hmac;
  /** libphonenumber-js's metadata: read once per isolate, and only by a request that formats a phone. */
  phoneMetadata: () => Promise<PhoneMetadata>;
  /** Stage 2 (the LLM Worker); absent when none is bound: unmatched keys then become new fields. */
  matcher: FieldMatcher | undefined;
  isolate: IsolateState;
  meter: RequestMeter;
  now: () => Date;
  newId: () => string;
  /** Cryptographically random bytes (webhook endpoint secrets). */
  randomBytes: (length: number) => Uint8Array;
  /** Work after the response (`waitUntil`): it must not fail the request whose answer is sent. */
  defer: (task: () => Promise<void>) => void;
  /**
   * Rewrites the tenant's KV projection after the response, whole. Called several times in one
   * request (a ledger read, then a change), only the newest snapshot is written, once.
   */
  projectLater: (tenantId: string, snapshot: DefinitionsSnapshot) => void;
  log: (event: string, err: unknown) => void;
}
