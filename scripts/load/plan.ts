import { createHash, createHmac, randomBytes } from "node:crypto";
import { CASES, type CaseName, caseOf, type OperationId } from "./mix";

// What each request of `npm run load` sends and what it must leave behind: a pure function of the
// run id, the seeded world and the request number. Every name a request writes or consumes (a key,
// an email, a field it deletes, an endpoint it deletes) is derived from its own number, so no two
// requests of a run touch the same thing where the order would matter, and the seeder can create
// beforehand exactly what the plan will consume.

export interface SeededContact {
  id: string;
  email: string;
}

export interface LoadTenant {
  tenantId: string;
  /** The key the burst uses; seeding uses another, so the burst has the key's rate limit to itself. */
  apiKey: string;
  /** Each holds `seedKey` = `seedValue(i)`, written once by the seeder and never again. */
  contacts: SeededContact[];
  /** `/api/webhooks/whk_...` of a webhook without a signing secret. */
  webhookPath: string;
  signedWebhook: { path: string; secret: string };
  /**
   * An endpoint that heard exactly one event (the seeder's), so it has exactly one delivery; its URL
   * is the receiver's hook `name`.
   */
  hook: { endpointId: string; deliveryId: string; name: string };
}

export interface LoadWorld {
  runId: string;
  tenants: LoadTenant[];
  /** http://127.0.0.1:PORT of the load's own change-event receiver. */
  receiverUrl: string;
}

/** Where a value is written: a seeded contact by id, or the contact the request creates, by email. */
export type ContactRef = { id: string } | { email: string };

/** What an acknowledged request leaves in Postgres, and a refused one must not. */
export type Effect =
  | { kind: "value"; contact: ContactRef; key: string; value: string }
  | { kind: "contact"; email: string; name: string }
  | { kind: "definition"; key: string; label: string }
  | { kind: "definitionDeleted"; key: string }
  | { kind: "aliasDeleted"; key: string; alias: string }
  | { kind: "endpoint"; description: string; url: string }
  | { kind: "endpointDeleted"; id: string };

/** What a 2xx answer must say, beyond matching its documented schema. */
export type Expectation =
  /** The fields written, on the planned contact (null: the one the request creates). */
  | { kind: "fields"; contactId: string | null; created?: boolean; fields: { key: string; value: string }[] }
  | { kind: "bulk"; items: { contactId: string | null; status: number; key: string; value: string }[] }
  | { kind: "info"; contactId: string; key: string; value: string }
  | { kind: "history"; key: string; value: string }
  | { kind: "found"; contactId: string }
  | { kind: "definitions"; key: string }
  | { kind: "definition"; key: string; label: string }
  | { kind: "definitionDeleted"; key: string }
  | { kind: "aliasDeleted"; key: string; alias: string }
  | { kind: "usage" }
  | { kind: "endpoint"; url: string; description: string }
  | { kind: "endpoints"; id: string }
  | { kind: "endpointDeleted"; id: string }
  | { kind: "deliveries"; id: string }
  | { kind: "delivery"; id: string }
  /** Planned to be refused (a forged signature): any 2xx is wrong. */
  | { kind: "refused" };

/** What the seeder must create before the burst for a request to find it. */
export type SeedNeed =
  | { kind: "definition"; tenantId: string; key: string; label: string }
  | { kind: "alias"; tenantId: string; alias: string }
  | { kind: "endpoint"; tenantId: string; id: string; description: string };

export interface PlannedRequest {
  n: number;
  requestId: string;
  case: CaseName;
  operation: OperationId;
  tenantId: string;
  /** The API key or webhook path it authenticates with: each has its own rate limit. */
  credential: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The status of an answer as planned: the route's 2xx, or the refusal it was built to get. */
  status: number;
  effects: Effect[];
  expect: Expectation;
  seed?: SeedNeed;
}

/** Lower-case letters and digits only: the key stays one word, unchanged by snake_case. */
export function newRunId(): string {
  return randomBytes(5).toString("hex");
}

/**
 * One word per name, never `load_<run>_<n>`: the local fake LLM maps a new key onto any existing
 * definition it shares a word with, so keys sharing `load` would all land in the first one's field.
 * The letter after the run id says what the name is for; the number is the request's.
 */
export const loadName = (runId: string, role: string, n: number | "" = "") => `load${runId}${role}${n}`;

/** The run's fixed names: fields the seeder defines, and one nothing ever writes. */
export const runNames = (runId: string) => ({
  /** Each seeded contact's own value: what info, history and search read back. */
  seedKey: loadName(runId, "s"),
  /** What the seeder writes once per tenant so its hook endpoint has one delivery. */
  hookKey: loadName(runId, "h"),
  /** The field whose aliases the alias DELETEs remove, one each. */
  aliasField: loadName(runId, "a"),
  /** Endpoints created under load hear only this key, so they are never called. */
  quietKey: loadName(runId, "q"),
});

export const seedValue = (contactIndex: number) => `seed${contactIndex}`;
export const seedEmail = (runId: string, tenantIndex: number, contactIndex: number) =>
  `${loadName(runId, "t", tenantIndex)}c${contactIndex}@example.com`;
/** The seeded label of a field a request replaces or deletes; a replacement's label differs. */
export const seededLabel = (key: string) => `${key} label`;

/**
 * A tenant holds at most 20 webhook endpoints (MAX_ENDPOINTS_PER_TENANT), counted without a lock:
 * its hook, the endpoints deletes will remove and the ones created under load must fit, whatever
 * the order, or creates would be refused depending on timing. Past this many of either per tenant,
 * the request lists the endpoints instead (1 + 9 + 9 = 19).
 */
export const ENDPOINT_WRITES_PER_TENANT = 9;

/**
 * A stable id for the endpoint request n deletes (a v4-shaped UUID from the run id and n), so the
 * plan can name it before the seeder inserts it.
 */
export function endpointIdFor(runId: string, n: number): string {
  const hex = createHash("sha256").update(`load endpoint ${runId} ${n}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const xSignature = (secret: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

/** The part of a plan each case decides; the rest is common to all. */
type CasePlan = Pick<PlannedRequest, "method" | "path" | "effects" | "expect"> &
  Partial<Pick<PlannedRequest, "status" | "seed">> & { body?: unknown; via?: Via };

/**
 * How a request authenticates: the tenant's API key, or a webhook URL: without a signing secret,
 * with one and a valid `X-Signature`, or with one and a forged signature (a well-formed HMAC under
 * another secret), which must be refused with 401.
 */
type Via = "api" | "webhook" | "signed" | "forged";

interface Target {
  runId: string;
  world: LoadWorld;
  tenant: LoadTenant;
  contact: SeededContact;
  contactIndex: number;
  n: number;
}

/** A name only request n uses: the key it writes (the `item` of a bulk request its own), its email. */
const itemSuffix = (item: number) => (item === 0 ? "" : `i${item}`);
const itemName = (t: Target, item = 0) => loadName(t.runId, "n", t.n) + itemSuffix(item);
const newEmail = (t: Target, item = 0) => `${itemName(t, item)}@example.com`;

function written(t: Target, contact: ContactRef, item = 0) {
  const key = itemName(t, item);
  const value = `v${t.n}${itemSuffix(item)}`;
  return { key, value, metadata: { [key]: value }, effect: { kind: "value", contact, key, value } as const };
}

function webhookPlan(t: Target, via: Exclude<Via, "api">): CasePlan {
  const w = written(t, { id: t.contact.id });
  return {
    method: "POST",
    path: via === "webhook" ? t.tenant.webhookPath : t.tenant.signedWebhook.path,
    via,
    body: { ai_contact_id: t.contact.id, ...w.metadata },
    effects: [w.effect],
    expect: { kind: "fields", contactId: t.contact.id, fields: [w] },
  };
}

/**
 * A request that creates a contact by its own new email, with one value: 201 with the contact (an
 * upsert also says `created: true`).
 */
function creatingPlan(t: Target, path: string, upsert?: true): CasePlan {
  const email = newEmail(t);
  const name = `Load contact ${t.n}`;
  const w = written(t, { email });
  return {
    method: "POST",
    path,
    body: { name, email, metadata: w.metadata },
    status: 201,
    effects: [{ kind: "contact", email, name }, w.effect],
    expect: { kind: "fields", contactId: null, ...(upsert ? { created: true } : {}), fields: [w] },
  };
}

const PLANS: Record<CaseName, (t: Target) => CasePlan> = {
  update(t) {
    const w = written(t, { id: t.contact.id });
    return {
      method: "POST",
      path: `/api/public/contact/${t.contact.id}/update-metadata`,
      body: w.metadata,
      effects: [w.effect],
      expect: { kind: "fields", contactId: t.contact.id, fields: [w] },
    };
  },
  bulk(t) {
    // A seeded contact by id and a new one by email, each its own key: one statement, two
    // contacts, two activity rows; a second seeded contact when there is one to take.
    const contacts = t.tenant.contacts;
    const other = contacts[(t.contactIndex + 1) % contacts.length];
    const ids = other && other.id !== t.contact.id ? [t.contact, other] : [t.contact];
    const byId = ids.map((c, i) => ({ contact: c, w: written(t, { id: c.id }, i) }));
    const email = newEmail(t, byId.length);
    const created = written(t, { email }, byId.length);
    const name = `Load bulk ${t.n}`;
    return {
      method: "POST",
      path: "/api/public/contacts/update-metadata",
      body: {
        items: [
          ...byId.map(({ contact, w }) => ({ aiContactId: contact.id, metadata: w.metadata })),
          { email, name, metadata: created.metadata },
        ],
      },
      effects: [...byId.map(({ w }) => w.effect), { kind: "contact", email, name }, created.effect],
      expect: {
        kind: "bulk",
        items: [
          ...byId.map(({ contact, w }) => ({
            contactId: contact.id,
            status: 200,
            key: w.key,
            value: w.value,
          })),
          { contactId: null, status: 201, key: created.key, value: created.value },
        ],
      },
    };
  },
  createContact: (t) => creatingPlan(t, "/api/public/contact"),
  upsertFound(t) {
    const w = written(t, { id: t.contact.id });
    return {
      method: "POST",
      path: "/api/public/contacts/upsert",
      // Upper-cased: the upsert finds an email in any case.
      body: { email: t.contact.email.toUpperCase(), metadata: w.metadata },
      effects: [w.effect],
      expect: { kind: "fields", contactId: t.contact.id, created: false, fields: [w] },
    };
  },
  upsertCreated: (t) => creatingPlan(t, "/api/public/contacts/upsert", true),
  info(t) {
    return {
      method: "GET",
      path: `/api/public/contact/${t.contact.id}/info`,
      effects: [],
      expect: {
        kind: "info",
        contactId: t.contact.id,
        key: runNames(t.runId).seedKey,
        value: seedValue(t.contactIndex),
      },
    };
  },
  activity(t) {
    const { seedKey } = runNames(t.runId);
    return {
      method: "GET",
      path: `/api/public/contact/${t.contact.id}/activity?key=${seedKey}&limit=5`,
      effects: [],
      expect: { kind: "history", key: seedKey, value: seedValue(t.contactIndex) },
    };
  },
  search(t) {
    return {
      method: "POST",
      path: "/api/public/contacts/search",
      body: { filters: [{ key: runNames(t.runId).seedKey, op: "eq", value: seedValue(t.contactIndex) }] },
      effects: [],
      expect: { kind: "found", contactId: t.contact.id },
    };
  },
  listFields(t) {
    return {
      method: "GET",
      path: "/api/public/custom-fields",
      effects: [],
      expect: { kind: "definitions", key: runNames(t.runId).seedKey },
    };
  },
  createField(t) {
    const key = loadName(t.runId, "p", t.n);
    const label = seededLabel(key);
    return {
      method: "PUT",
      path: `/api/public/custom-fields/${key}`,
      body: { label, type: "number", description: `created by load request ${t.n}` },
      status: 201,
      effects: [{ kind: "definition", key, label }],
      expect: { kind: "definition", key, label },
    };
  },
  replaceField(t) {
    const key = loadName(t.runId, "r", t.n);
    const label = `${key} replaced`;
    return {
      method: "PUT",
      path: `/api/public/custom-fields/${key}`,
      body: { label, type: "text" },
      effects: [{ kind: "definition", key, label }],
      expect: { kind: "definition", key, label },
      seed: { kind: "definition", tenantId: t.tenant.tenantId, key, label: seededLabel(key) },
    };
  },
  deleteField(t) {
    const key = loadName(t.runId, "d", t.n);
    return {
      method: "DELETE",
      path: `/api/public/custom-fields/${key}`,
      effects: [{ kind: "definitionDeleted", key }],
      expect: { kind: "definitionDeleted", key },
      seed: { kind: "definition", tenantId: t.tenant.tenantId, key, label: seededLabel(key) },
    };
  },
  deleteAlias(t) {
    const key = runNames(t.runId).aliasField;
    const alias = loadName(t.runId, "a", t.n);
    return {
      method: "DELETE",
      path: `/api/public/custom-fields/${key}/aliases/${alias}`,
      effects: [{ kind: "aliasDeleted", key, alias }],
      expect: { kind: "aliasDeleted", key, alias },
      seed: { kind: "alias", tenantId: t.tenant.tenantId, alias },
    };
  },
  usage() {
    return { method: "GET", path: "/api/public/usage", effects: [], expect: { kind: "usage" } };
  },
  webhook: (t) => webhookPlan(t, "webhook"),
  signedWebhook: (t) => webhookPlan(t, "signed"),
  // Its value is planned like any other, so the verification sees it if it was written anyway.
  forgedWebhook: (t) => ({ ...webhookPlan(t, "forged"), status: 401, expect: { kind: "refused" } }),
  createEndpoint(t) {
    const url = `${t.world.receiverUrl}/hooks/quiet`;
    const description = loadName(t.runId, "e", t.n);
    return {
      method: "POST",
      path: "/api/public/webhook-endpoints",
      // It hears only a key nothing writes: registered under load, never called.
      body: { url, events: ["contact.metadata_updated"], fields: [runNames(t.runId).quietKey], description },
      status: 201,
      effects: [{ kind: "endpoint", description, url }],
      expect: { kind: "endpoint", url, description },
    };
  },
  listEndpoints(t) {
    return {
      method: "GET",
      path: "/api/public/webhook-endpoints",
      effects: [],
      expect: { kind: "endpoints", id: t.tenant.hook.endpointId },
    };
  },
  deleteEndpoint(t) {
    const id = endpointIdFor(t.runId, t.n);
    return {
      method: "DELETE",
      path: `/api/public/webhook-endpoints/${id}`,
      effects: [{ kind: "endpointDeleted", id }],
      expect: { kind: "endpointDeleted", id },
      seed: { kind: "endpoint", tenantId: t.tenant.tenantId, id, description: loadName(t.runId, "e", t.n) },
    };
  },
  listDeliveries(t) {
    const { endpointId, deliveryId } = t.tenant.hook;
    return {
      method: "GET",
      path: `/api/public/webhook-endpoints/${endpointId}/deliveries`,
      effects: [],
      expect: { kind: "deliveries", id: deliveryId },
    };
  },
  retryDelivery(t) {
    const { endpointId, deliveryId } = t.tenant.hook;
    return {
      method: "POST",
      path: `/api/public/webhook-endpoints/${endpointId}/deliveries/${deliveryId}/retry`,
      status: 202,
      effects: [],
      expect: { kind: "delivery", id: deliveryId },
    };
  },
};

/** Endpoint writes past a tenant's share become lists (see ENDPOINT_WRITES_PER_TENANT). */
const withinEndpointLimit = (name: CaseName, turn: number): CaseName =>
  (name === "createEndpoint" || name === "deleteEndpoint") && turn >= ENDPOINT_WRITES_PER_TENANT
    ? "listEndpoints"
    : name;

export function planRequest(world: LoadWorld, n: number): PlannedRequest {
  const { runId, tenants } = world;
  const { name: drawn, ordinal } = caseOf(n);
  // Round-robin over tenants within each kind, then over each tenant's contacts, so every kind
  // reaches every tenant and contact evenly, whatever the number of tenants.
  const tenantIndex = ordinal % tenants.length;
  const tenant = tenants[tenantIndex];
  if (!tenant) {
    throw new Error("no tenants seeded");
  }
  const turn = Math.floor(ordinal / tenants.length);
  const contactIndex = turn % tenant.contacts.length;
  const contact = tenant.contacts[contactIndex];
  if (!contact) {
    throw new Error(`tenant ${tenant.tenantId} has no contacts`);
  }
  const name = withinEndpointLimit(drawn, turn);
  const plan = PLANS[name]({ runId, world, tenant, contact, contactIndex, n });
  const body = plan.body === undefined ? undefined : JSON.stringify(plan.body);
  const via = plan.via ?? "api";
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  const secret = tenant.signedWebhook.secret;
  if (via === "api") {
    headers["x-api-key"] = tenant.apiKey;
  } else if (via !== "webhook") {
    headers["x-signature"] = xSignature(via === "forged" ? `${secret}x` : secret, body ?? "");
  }
  return {
    n,
    requestId: `load-${runId}-${n}`,
    case: name,
    operation: CASES[name].operation,
    tenantId: tenant.tenantId,
    credential: via === "api" ? tenant.apiKey : plan.path,
    method: plan.method,
    path: plan.path,
    headers,
    ...(body === undefined ? {} : { body }),
    status: plan.status ?? 200,
    effects: plan.effects,
    expect: plan.expect,
    ...(plan.seed ? { seed: plan.seed } : {}),
  };
}

export function requestNumberOf(runId: string, requestId: string | undefined): number | undefined {
  const match = requestId?.match(/^load-([0-9a-f]+)-(\d+)$/);
  return match && match[1] === runId ? Number(match[2]) : undefined;
}
