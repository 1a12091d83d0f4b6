import { toFieldKey } from "../../src/core/fields/field-key";
import type { DefinitionSpec } from "./seed";

/** Text definitions `field_0` .. `field_99`: the 100 known keys of "wide", the first seven of "exact", two of "bulk". */
export const TEXT_FIELD_COUNT = 100;
export const TYPED_FIELDS = {
  lead_score: { label: "Lead score", type: "number" },
  work_email: { label: "Work email", type: "email" },
  signup_date: { label: "Signup date", type: "date" },
} as const;
/** Fields of the contact that "info" reads (its own tenant, so they do not grow the main one's definitions). */
export const INFO_FIELD_COUNT = 200;

/** The main tenant's definitions: the text fields, then the typed ones. */
export function mainDefinitions(): DefinitionSpec[] {
  return [
    ...Array.from({ length: TEXT_FIELD_COUNT }, (_, n) => ({ key: fieldKey(n) })),
    ...Object.entries(TYPED_FIELDS).map(([key, spec]) => ({ key, label: spec.label, type: spec.type })),
  ];
}

/** The info tenant's definitions, one per field of the info contact. */
export function infoDefinitions(): DefinitionSpec[] {
  return Array.from({ length: INFO_FIELD_COUNT }, (_, n) => ({ key: `info_field_${n}` }));
}

const UNKNOWN_KEYS = 5;
const WIDE_KNOWN = 100;
const WIDE_UNKNOWN = 100;
/** "bulk": contacts per request (one item each), and the keys of every item. */
export const BULK_ITEMS = 100;
const BULK_UNKNOWN = 2;
/** Unknown keys are mapped to these, so `field_0..9` (sent by "exact") never gain aliases. */
const ALIAS_TARGET_FIRST = 10;

export interface Seed {
  tenantId: string;
  /** Any definition of the tenant: where the floor's statement files a key that names none. */
  floorDefinitionId: string;
  /** The info contact belongs to its own tenant, reached with this key. */
  infoApiKey: string;
  contacts: {
    exact: string;
    unknown: string;
    wide: string;
    info: string;
    floor: string;
    /** Found by its email (UPSERT_EMAIL) by "upsert"; the floor's statement finds its own by email. */
    upsert: string;
    upsertFloor: string;
    /** BULK_ITEMS contacts, one per item of a "bulk" request. */
    bulk: readonly string[];
  };
}

export interface BenchRequest {
  method: "GET" | "POST" | "PUT";
  path: string;
  body?: Record<string, unknown>;
}

/** The one statement a minimal hand-written implementation would send for the same request. */
export interface FloorStatement {
  text: string;
  params: unknown[];
}

export interface Scenario {
  name: string;
  /** The API key to send, when not the main tenant's. */
  apiKey?: string;
  /** LLM calls the contract allows (and this bench's plan expects) per request. */
  expectedLlmCalls: number;
  /** Issue 18's bound on median / floor, where it sets one. */
  floorTarget?: number;
  /** Measured requests, when not the bench's default (`BENCH_REQUESTS`). */
  requests?: number;
  /** `index` counts warm-up requests too, so every request of a scenario can use fresh keys. */
  request(index: number): BenchRequest;
  floor(index: number): FloorStatement;
}

export const fieldKey = (n: number) => `field_${n}`;
/**
 * Unknown keys name their planned target (`..._field_37` for `field_37`): it is then the definition
 * most like the key, so always among the 30 the LLM is offered (`selectDefinitions`), as the
 * definition a real key means would be. No stage matches such a key without the LLM.
 */
const unknownKey = (index: number, j: number, target: number) => `unk_r${index}_k${j}_${fieldKey(target)}`;
const wideKey = (index: number, j: number) => `wide_r${index}_k${j}`;
const bulkKey = (index: number, j: number, target: number) => `bulk_q${index}_x${j}_${fieldKey(target)}`;

/**
 * Upsert of every value in one statement, each key resolved to its definition by name in the same
 * statement (a name the ledger lacks, e.g. an alias only KV knows, is filed under `fallbackId`);
 * no auth, no activity row: the cheapest possible write.
 */
export const upsertFloor = (
  tenantId: string,
  contactId: string,
  fallbackId: string,
  body: Record<string, string>,
): FloorStatement => ({
  text: `INSERT INTO contact_field_values AS v
      (tenant_id, contact_id, custom_field_definition_id, key, value, source_key, matched_by)
    SELECT $1, $2, COALESCE(n.definition_id, $4::uuid), e.key, e.value, e.key, 'exact'
    FROM jsonb_each_text($3::jsonb) AS e LEFT JOIN field_names n ON n.tenant_id = $1 AND n.name = e.key
    ON CONFLICT (contact_id, key) DO UPDATE SET value = excluded.value, updated_at = now()`,
  params: [tenantId, contactId, JSON.stringify(body), fallbackId],
});

const exactFloor = (seed: Seed, body: Record<string, string>) =>
  upsertFloor(seed.tenantId, seed.contacts.floor, seed.floorDefinitionId, body);

/** The emails of the contacts "upsert" and its floor find. */
export const UPSERT_EMAIL = "upsert@bench.example";
export const UPSERT_FLOOR_EMAIL = "upsert-floor@bench.example";

/**
 * The minimal upsert by email: the same value upsert, its contact found by the email's unique index
 * in the same statement (what any implementation must do at least; it creates nothing).
 */
const upsertByEmailFloor = (seed: Seed, body: Record<string, string>): FloorStatement => ({
  text: `INSERT INTO contact_field_values AS v
      (tenant_id, contact_id, custom_field_definition_id, key, value, source_key, matched_by)
    SELECT $1, c.id, COALESCE(n.definition_id, $4::uuid), e.key, e.value, e.key, 'exact'
    FROM contacts c
    CROSS JOIN jsonb_each_text($3::jsonb) AS e LEFT JOIN field_names n ON n.tenant_id = $1 AND n.name = e.key
    WHERE c.tenant_id = $1 AND contact_email_key(c.email) = contact_email_key($2) AND NOT c.email_duplicate
    ON CONFLICT (contact_id, key) DO UPDATE SET value = excluded.value, updated_at = now()`,
  params: [seed.tenantId, UPSERT_FLOOR_EMAIL, JSON.stringify(body), seed.floorDefinitionId],
});

/** The same minimal upsert for every value of every item, still one statement. */
const bulkUpsertFloor = (seed: Seed, items: readonly BulkItem[]): FloorStatement => ({
  text: `INSERT INTO contact_field_values AS v
      (tenant_id, contact_id, custom_field_definition_id, key, value, source_key, matched_by)
    SELECT $1, (i.value->>'aiContactId')::uuid, COALESCE(n.definition_id, $3::uuid), e.key, e.value, e.key, 'exact'
    FROM jsonb_array_elements($2::jsonb) AS i
    CROSS JOIN jsonb_each_text(i.value->'metadata') AS e
    LEFT JOIN field_names n ON n.tenant_id = $1 AND n.name = e.key
    ON CONFLICT (contact_id, key) DO UPDATE SET value = excluded.value, updated_at = now()`,
  params: [seed.tenantId, JSON.stringify(items), seed.floorDefinitionId],
});

interface BulkItem {
  aiContactId: string;
  metadata: Record<string, string>;
}

const update = (contactId: string, body: Record<string, string>): BenchRequest => ({
  method: "POST",
  path: `/api/public/contact/${contactId}/update-metadata`,
  body,
});

/**
 * The scenarios, in run order (remembered must follow unknown), and the plan the fake LLM answers
 * from: each unknown key of request i maps to its own definition, distinct within the request.
 */
export function buildScenarios(
  seed: Seed,
  opts: { bulkRequests: number },
): { scenarios: Scenario[]; llmPlan: Map<string, string> } {
  const llmPlan = new Map<string, string>();
  const aliasTargets = TEXT_FIELD_COUNT - ALIAS_TARGET_FIRST;
  const unknownTarget = (index: number, j: number) =>
    ALIAS_TARGET_FIRST + ((index * UNKNOWN_KEYS + j) % aliasTargets);

  const exactBody = (index: number): Record<string, string> => {
    const body: Record<string, string> = {};
    for (let n = 0; n < 7; n++) {
      body[fieldKey(n)] = `value ${n} of request ${index}`;
    }
    body.lead_score = String(10 + (index % 90));
    body.work_email = `bench+${index}@Example.com`;
    body.signup_date = `2024-03-${String(1 + (index % 28)).padStart(2, "0")}`;
    return body;
  };

  const unknownBody = (index: number): Record<string, string> => {
    const body: Record<string, string> = {};
    for (let j = 0; j < UNKNOWN_KEYS; j++) {
      const target = unknownTarget(index, j);
      const key = unknownKey(index, j, target);
      body[key] = `unknown value ${j} of request ${index}`;
      llmPlan.set(toFieldKey(key), fieldKey(target));
    }
    return body;
  };

  const rememberedBody = (index: number): Record<string, string> => {
    const body: Record<string, string> = {};
    for (let j = 0; j < UNKNOWN_KEYS; j++) {
      body[unknownKey(index, j, unknownTarget(index, j))] = `remembered value ${j} of request ${index}`;
    }
    return body;
  };

  // Wide unknown keys are not in the plan: the LLM answers null and they become new fields.
  const wideBody = (index: number): Record<string, string> => {
    const body: Record<string, string> = {};
    for (let n = 0; n < WIDE_KNOWN; n++) {
      body[fieldKey(n)] = `wide value ${n} of request ${index}`;
    }
    for (let j = 0; j < WIDE_UNKNOWN; j++) {
      body[wideKey(index, j)] = `wide unknown value ${j} of request ${index}`;
    }
    return body;
  };

  // Each request's unknown keys are new (one LLM call) and shared by all its items (only one call).
  const bulkItems = (index: number): BulkItem[] => {
    const unknown = Array.from({ length: BULK_UNKNOWN }, (_, j) => {
      const target = ALIAS_TARGET_FIRST + ((index * BULK_UNKNOWN + j) % aliasTargets);
      const key = bulkKey(index, j, target);
      llmPlan.set(toFieldKey(key), fieldKey(target));
      return key;
    });
    return seed.contacts.bulk.map((aiContactId, item) => {
      // Five keys that match definitions exactly, three of them typed (formatted).
      const metadata: Record<string, string> = {
        [fieldKey(0)]: `bulk value 0 of item ${item} of request ${index}`,
        [fieldKey(1)]: `bulk value 1 of item ${item} of request ${index}`,
        lead_score: String((index * BULK_ITEMS + item) % 1000),
        work_email: `bulk+${index}.${item}@Example.com`,
        signup_date: `2024-04-${String(1 + ((index + item) % 28)).padStart(2, "0")}`,
      };
      for (const [j, key] of unknown.entries()) {
        // At most six words: a longer value is free text, which the LLM stage never maps by key.
        metadata[key] = `bulk ${j} item ${item} request ${index}`;
      }
      return { aiContactId, metadata };
    });
  };

  const scenarios: Scenario[] = [
    {
      name: "exact",
      expectedLlmCalls: 0,
      floorTarget: 1.15,
      request: (i) => update(seed.contacts.exact, exactBody(i)),
      floor: (i) => exactFloor(seed, exactBody(i)),
    },
    {
      name: "unknown",
      expectedLlmCalls: 1,
      request: (i) => update(seed.contacts.unknown, unknownBody(i)),
      floor: (i) => exactFloor(seed, rememberedBody(i)),
    },
    {
      name: "remembered",
      expectedLlmCalls: 0,
      floorTarget: 1.15,
      request: (i) => update(seed.contacts.unknown, rememberedBody(i)),
      floor: (i) => exactFloor(seed, rememberedBody(i)),
    },
    {
      name: "wide",
      expectedLlmCalls: 1,
      request: (i) => update(seed.contacts.wide, wideBody(i)),
      floor: (i) => exactFloor(seed, wideBody(i)),
    },
    {
      name: "info",
      apiKey: seed.infoApiKey,
      expectedLlmCalls: 0,
      floorTarget: 1.15,
      request: () => ({ method: "GET", path: `/api/public/contact/${seed.contacts.info}/info` }),
      floor: () => ({
        text: `SELECT c.id, c.name, c.email, c.phone, v.key, v.value, v.updated_at
          FROM contacts c LEFT JOIN contact_field_values v ON v.contact_id = c.id
          WHERE c.id = $1 ORDER BY v.key`,
        params: [seed.contacts.info],
      }),
    },
    {
      name: "upsert",
      expectedLlmCalls: 0,
      // The contact is found by its email (any case), its ten known keys written: no LLM, no KV.
      request: (i) => ({
        method: "POST",
        path: "/api/public/contacts/upsert",
        body: { email: i % 2 ? UPSERT_EMAIL.toUpperCase() : UPSERT_EMAIL, metadata: exactBody(i) },
      }),
      floor: (i) => upsertByEmailFloor(seed, exactBody(i)),
    },
    {
      name: "bulk",
      expectedLlmCalls: 1,
      floorTarget: 1.3,
      requests: opts.bulkRequests,
      request: (i) => ({
        method: "POST",
        path: "/api/public/contacts/update-metadata",
        body: { items: bulkItems(i) },
      }),
      floor: (i) => bulkUpsertFloor(seed, bulkItems(i)),
    },
  ];
  return { scenarios, llmPlan };
}

/** The info contact's fields go straight into Postgres, one per definition of its tenant: through the API they would cost LLM calls. */
export const INFO_FIELDS_SQL = `INSERT INTO contact_field_values
    (tenant_id, contact_id, custom_field_definition_id, key, value, source_key, matched_by)
  SELECT $1, $2, d.id, d.key, 'stored value of ' || d.key, d.key, 'exact'
  FROM field_definitions d WHERE d.tenant_id = $1`;
