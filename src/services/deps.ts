import type { DefinitionsSnapshot } from "../core/fields/definition";
import type { LlmCallReport } from "../core/matching/llm-report";
import type { BoundedCache } from "./bounded-cache";
import type {
  CallerStore,
  ContactStore,
  DefinitionStore,
  EventPublisher,
  FieldMatcher,
  Hmac,
  MetadataStore,
  ProjectionStore,
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
}

/** What one request costs, reported in Server-Timing (and counted by the benchmark). */
export interface RequestMeter {
  kv: { reads: number; writes: number };
  llm: LlmCallReport;
}

/** Everything a service may use; built once per request by src/http/services.ts. */
export interface Deps {
  metadata: MetadataStore;
  contacts: ContactStore;
  callers: CallerStore;
  definitions: DefinitionStore;
  projections: ProjectionStore;
  webhooks: WebhookStore;
  webhookEndpoints: WebhookEndpointStore;
  /** The events queue: committed outbox ids go to it after the response (a no-op without the binding). */
  events: EventPublisher;
  /** Local config only (`LOCAL_ALLOW_LOOPBACK_WEBHOOKS`): endpoints on 127.0.0.1/localhost over http. */
  allowLoopbackWebhooks: boolean;
  hmac: Hmac;
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
