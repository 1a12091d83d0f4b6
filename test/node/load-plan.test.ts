import { describe, expect, it } from "vitest";
import { OPERATIONS, operationOf } from "../../scripts/lib/documented-answers";
import { checkAnswer } from "../../scripts/load/answers";
import { CASES, caseOf, OPERATION_IDS } from "../../scripts/load/mix";
import {
  type Effect,
  ENDPOINT_WRITES_PER_TENANT,
  type LoadWorld,
  type PlannedRequest,
  planRequest,
  runNames,
  xSignature,
} from "../../scripts/load/plan";
import { judgeRun, type Snapshot } from "../../scripts/load/verify";

// `npm run load`'s plan and its judge, without a server: the plan must reach every route without
// two requests contending for one thing, and the judge must call out each way a write can go wrong.

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
const CYCLE = Object.values(CASES).reduce((sum, c) => sum + c.weight, 0);

function fakeWorld(tenants = 5, contacts = 20): LoadWorld {
  return {
    runId: "0123456789",
    receiverUrl: "http://127.0.0.1:9",
    tenants: Array.from({ length: tenants }, (_, t) => ({
      tenantId: uuid(t + 1),
      apiKey: `cmk_key${t}`,
      contacts: Array.from({ length: contacts }, (_, i) => ({
        id: uuid(1000 * (t + 1) + i),
        email: `t${t}c${i}@example.com`,
      })),
      webhookPath: `/api/webhooks/whk_plain${t}`,
      signedWebhook: { path: `/api/webhooks/whk_signed${t}`, secret: `secret${t}` },
      hook: { endpointId: uuid(900 + t), deliveryId: uuid(950 + t), name: `hook${t}` },
    })),
  };
}

const planAll = (world: LoadWorld, count: number) =>
  Array.from({ length: count }, (_, n) => planRequest(world, n));

/** The one value a request writes to a seeded contact. */
function seededWrite(plan: PlannedRequest | undefined): { contactId: string; key: string; value: string } {
  const effect = plan?.effects.find((e) => e.kind === "value");
  if (effect?.kind !== "value" || !("id" in effect.contact)) {
    throw new Error(`${plan?.case} writes no value to a seeded contact`);
  }
  return { contactId: effect.contact.id, key: effect.key, value: effect.value };
}

/** What an effect writes or consumes: no two requests may share one. */
function resourceOf(effect: Effect): string {
  switch (effect.kind) {
    case "value":
      return `value ${effect.key}`;
    case "contact":
      return `contact ${effect.email}`;
    case "definition":
    case "definitionDeleted":
      return `definition ${effect.key}`;
    case "aliasDeleted":
      return `alias ${effect.alias}`;
    case "endpoint":
      return `endpoint ${effect.description}`;
    case "endpointDeleted":
      return `endpoint ${effect.id}`;
  }
}

const count = <T>(items: readonly T[]) => {
  const counts = new Map<T, number>();
  for (const item of items) {
    counts.set(item, (counts.get(item) ?? 0) + 1);
  }
  return counts;
};

describe("npm run load's plan", () => {
  it("has a case for every operation of the OpenAPI document, and each request is its operation's", () => {
    expect([...OPERATION_IDS].sort()).toEqual(OPERATIONS.map((o) => o.operationId).sort());
    const plans = planAll(fakeWorld(), CYCLE);
    expect(new Set(plans.map((p) => p.operation))).toEqual(new Set(OPERATION_IDS));
    for (const plan of plans) {
      expect(operationOf(plan.method, plan.path)?.operationId, plan.path).toBe(plan.operation);
    }
  });

  it("is a function of the request number, and each kind recurs with ordinals 0, 1, 2... without gaps", () => {
    const world = fakeWorld();
    expect(planRequest(world, 1234)).toEqual(planRequest(world, 1234));
    const ordinals = new Map<string, number[]>();
    for (let n = 0; n < 3 * CYCLE + 5; n++) {
      const { name, ordinal } = caseOf(n);
      ordinals.set(name, [...(ordinals.get(name) ?? []), ordinal]);
    }
    for (const [, seen] of ordinals) {
      expect(seen).toEqual(seen.map((_, i) => i));
    }
  });

  it("never has two requests write, create, delete or seed the same thing", () => {
    const plans = planAll(fakeWorld(), 2000);
    const names = plans.flatMap((p) => p.effects.map(resourceOf));
    const repeated = [...count(names)].filter(([, n]) => n > 1);
    expect(repeated).toEqual([]);
    const seeds = plans.flatMap((p) => (p.seed ? [JSON.stringify(p.seed)] : []));
    expect(new Set(seeds).size).toBe(seeds.length);
  });

  it("keeps every tenant within 20 webhook endpoints, however many requests, and each credential within its rate limit by default", () => {
    for (const requests of [2000, 20_000]) {
      const plans = planAll(fakeWorld(), requests);
      const writes = count(
        plans
          .filter((p) => p.case === "createEndpoint" || p.case === "deleteEndpoint")
          .map((p) => p.tenantId),
      );
      // The hook, the endpoints the deletes remove and the ones the creates add.
      expect(Math.max(...writes.values()) + 1).toBeLessThanOrEqual(2 * ENDPOINT_WRITES_PER_TENANT + 1);
      expect(2 * ENDPOINT_WRITES_PER_TENANT + 1).toBeLessThanOrEqual(20);
    }
    const perCredential = count(planAll(fakeWorld(), 2000).map((p) => p.credential));
    expect(Math.max(...perCredential.values())).toBeLessThanOrEqual(600);
  });

  it("signs the signed webhook's requests with its secret and forges the forged ones", () => {
    const world = fakeWorld();
    const plans = planAll(world, CYCLE * 2);
    const secretOf = (p: PlannedRequest) =>
      world.tenants.find((t) => t.tenantId === p.tenantId)?.signedWebhook.secret;
    const signed = plans.filter((p) => p.case === "signedWebhook");
    const forged = plans.filter((p) => p.case === "forgedWebhook");
    expect(signed.length).toBeGreaterThan(0);
    expect(forged.length).toBeGreaterThan(0);
    for (const p of signed) {
      expect(p.headers["x-signature"]).toBe(xSignature(secretOf(p) ?? "", p.body ?? ""));
    }
    for (const p of forged) {
      expect(p.status).toBe(401);
      expect(p.path).toBe(world.tenants.find((t) => t.tenantId === p.tenantId)?.signedWebhook.path);
      expect(p.headers["x-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(p.headers["x-signature"]).not.toBe(xSignature(secretOf(p) ?? "", p.body ?? ""));
    }
    expect(plans.find((p) => p.case === "webhook")?.headers["x-signature"]).toBeUndefined();
  });
});

describe("npm run load's check of each answer", () => {
  const plans = planAll(fakeWorld(), CYCLE);
  const find = (name: string) => {
    const plan = plans.find((p) => p.case === name);
    if (!plan) {
      throw new Error(`no ${name} in one cycle`);
    }
    return plan;
  };
  const field = (contactId: string, key: string, value: string) => ({
    id: uuid(7),
    ai_contact_id: contactId,
    custom_field_definition_id: uuid(8),
    key,
    value,
    source_key: key,
    matched_by: "new",
    created_at: "2026-11-29T00:00:00.000Z",
    updated_at: "2026-11-29T00:00:00.000Z",
  });

  it("passes an answer that is documented and says what was planned", () => {
    const update = find("update");
    const effect = update.effects[0];
    if (effect?.kind !== "value" || !("id" in effect.contact)) {
      throw new Error("an update writes one value to a seeded contact");
    }
    const good = [field(effect.contact.id, effect.key, effect.value)];
    expect(checkAnswer(update, 200, good).problems).toEqual([]);
    // Another contact, another value, a status the route does not declare, a shape it does not have.
    expect(checkAnswer(update, 200, [field(uuid(5), effect.key, effect.value)]).problems).toHaveLength(1);
    expect(checkAnswer(update, 200, [field(effect.contact.id, effect.key, "other")]).problems).toHaveLength(
      1,
    );
    expect(checkAnswer(update, 418, good).problems).toHaveLength(2);
    // A rate limit is no wrong answer under load; a 404 for a seeded contact is.
    const refusal = (code: string) => ({ error: { code, message: "m" }, request_id: "r" });
    expect(checkAnswer(update, 429, refusal("RATE_LIMITED")).problems).toEqual([]);
    expect(checkAnswer(update, 404, refusal("NOT_FOUND")).problems).toEqual(["answered 404, planned 200"]);
    expect(checkAnswer(update, 200, { fields: good }).problems.length).toBeGreaterThan(0);
  });

  it("reads back the contact asked for, and the id of what a request created", () => {
    const info = find("info");
    if (info.expect.kind !== "info") {
      throw new Error("info expects a contact");
    }
    const { contactId, key, value } = info.expect;
    const body = {
      id: contactId,
      name: null,
      email: null,
      phone: null,
      created_at: "x",
      updated_at: "x",
      metadata: { [key]: value },
      fields: [],
    };
    expect(checkAnswer(info, 200, body).problems).toEqual([]);
    expect(checkAnswer(info, 200, { ...body, id: uuid(5) }).problems).toHaveLength(1);
    expect(checkAnswer(info, 200, { ...body, metadata: {} }).problems).toHaveLength(1);

    const search = find("search");
    const found = (id: string) => ({ id, name: null, email: null, phone: null, metadata: {} });
    const planned = search.expect.kind === "found" ? search.expect.contactId : "";
    expect(checkAnswer(search, 200, { data: [found(planned)], next_cursor: null }).problems).toEqual([]);
    expect(
      checkAnswer(search, 200, { data: [found(planned), found(uuid(5))], next_cursor: null }).problems,
    ).toHaveLength(1);

    const created = find("upsertCreated");
    const w = created.effects.find((e) => e.kind === "value");
    if (w?.kind !== "value") {
      throw new Error("an upsert writes a value");
    }
    const answer = { id: uuid(6), created: true, fields: [field(uuid(6), w.key, w.value)] };
    expect(checkAnswer(created, 201, answer)).toEqual({ problems: [], created: uuid(6) });
    expect(checkAnswer(created, 200, answer).problems).toEqual(["answered 200, planned 201"]);
  });

  it("calls a forged webhook's acknowledgement wrong, and its 401 right", () => {
    const forged = find("forgedWebhook");
    const refusal = {
      error: { code: "UNAUTHORIZED", message: "webhook signature mismatch" },
      request_id: "r",
    };
    expect(checkAnswer(forged, 401, refusal).problems).toEqual([]);
    const { contactId, key, value } = seededWrite(forged);
    const acknowledged = {
      ai_contact_id: contactId,
      source: "generic",
      event_id: null,
      fields: [field(contactId, key, value)],
    };
    expect(checkAnswer(forged, 200, acknowledged).problems).toContain(
      "planned to be refused, but acknowledged",
    );
  });
});

/**
 * A database in which every request did what it planned if its status is 2xx and nothing
 * otherwise, with the ids its answers gave: what a correct server leaves behind.
 */
function honestRun(world: LoadWorld, plans: readonly PlannedRequest[], statuses: Map<number, number>) {
  const snapshot: Snapshot = {
    values: [],
    contacts: world.tenants.flatMap((t) =>
      t.contacts.map((c) => ({ id: c.id, email: c.email, name: "seeded" })),
    ),
    activities: [],
    definitions: [],
    aliases: [],
    endpoints: [],
  };
  const created = new Map<number, string>();
  for (const plan of plans) {
    if (plan.seed?.kind === "definition") {
      snapshot.definitions.push({ key: plan.seed.key, label: plan.seed.label, deleted: false });
    } else if (plan.seed?.kind === "alias") {
      snapshot.aliases.push({ definition_key: runNames(world.runId).aliasField, name: plan.seed.alias });
    } else if (plan.seed?.kind === "endpoint") {
      snapshot.endpoints.push({
        id: plan.seed.id,
        url: "u",
        description: plan.seed.description,
        deleted: false,
      });
    }
  }
  for (const plan of plans) {
    const status = statuses.get(plan.n);
    if (status === undefined || status >= 300) {
      continue;
    }
    const byEmail = new Map<string, string>();
    const changes = new Map<string, { key: string; new_value: string }[]>();
    for (const effect of plan.effects) {
      switch (effect.kind) {
        case "contact": {
          const id = uuid(100_000 + plan.n);
          byEmail.set(effect.email, id);
          created.set(plan.n, id);
          snapshot.contacts.push({ id, email: effect.email, name: effect.name });
          break;
        }
        case "value": {
          const contactId =
            "id" in effect.contact ? effect.contact.id : (byEmail.get(effect.contact.email) ?? "");
          snapshot.values.push({ contact_id: contactId, key: effect.key, value: effect.value });
          changes.set(contactId, [
            ...(changes.get(contactId) ?? []),
            { key: effect.key, new_value: effect.value },
          ]);
          break;
        }
        case "definition":
          snapshot.definitions = [
            ...snapshot.definitions.filter((d) => d.key !== effect.key),
            { key: effect.key, label: effect.label, deleted: false },
          ];
          break;
        case "definitionDeleted":
          snapshot.definitions = snapshot.definitions.map((d) =>
            d.key === effect.key ? { ...d, deleted: true } : d,
          );
          break;
        case "aliasDeleted":
          snapshot.aliases = snapshot.aliases.filter((a) => a.name !== effect.alias);
          break;
        case "endpoint": {
          const id = uuid(200_000 + plan.n);
          created.set(plan.n, id);
          snapshot.endpoints.push({ id, url: effect.url, description: effect.description, deleted: false });
          break;
        }
        case "endpointDeleted":
          snapshot.endpoints = snapshot.endpoints.map((e) =>
            e.id === effect.id ? { ...e, deleted: true } : e,
          );
          break;
      }
    }
    for (const [contactId, list] of changes) {
      snapshot.activities.push({ request_id: plan.requestId, contact_id: contactId, changes: list });
    }
  }
  return { snapshot, created };
}

describe("npm run load's verification in Postgres", () => {
  const world = fakeWorld(2, 3);
  const plans = planAll(world, 2 * CYCLE);
  const statuses = new Map(plans.map((p) => [p.n, p.status]));
  const seeded = {
    contactIds: new Set(world.tenants.flatMap((t) => t.contacts.map((c) => c.id))),
    values: [],
  };
  const judge = (mutate: (snapshot: Snapshot, created: Map<number, string>) => void, answered = statuses) => {
    const { snapshot, created } = honestRun(world, plans, answered);
    mutate(snapshot, created);
    const verdict = judgeRun(snapshot, seeded, plans, {
      statuses: answered,
      unknownOutcome: new Set(),
      created,
    });
    const { examples, ...counts } = verdict;
    return Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));
  };
  const first = (name: string) => {
    const plan = plans.find((p) => p.case === name);
    if (!plan) {
      throw new Error(`no ${name}`);
    }
    return plan;
  };
  const keyOf = (plan: PlannedRequest) => seededWrite(plan).key;

  it("finds nothing wrong with a server that did exactly what it answered", () => {
    expect(judge(() => undefined)).toEqual({});
  });

  it("counts an acknowledged value, contact, definition, alias or endpoint that is not there as lost", () => {
    const update = first("update");
    expect(judge((s) => (s.values = s.values.filter((v) => v.key !== keyOf(update))))).toEqual({
      effectsLost: 1,
    });
    const create = first("createContact");
    expect(judge((_, created) => created.set(create.n, uuid(5)))).toEqual({ effectsLost: 1 });
    expect(
      judge((s) => {
        s.definitions = s.definitions.map((d) => ({ ...d, deleted: false }));
      }),
    ).toEqual({ effectsLost: plans.filter((p) => p.case === "deleteField").length });
    const alias = first("deleteAlias");
    const aliasName = alias.effects[0]?.kind === "aliasDeleted" ? alias.effects[0].alias : "";
    const aliasField = runNames(world.runId).aliasField;
    expect(judge((s) => s.aliases.push({ definition_key: aliasField, name: aliasName }))).toEqual({
      effectsLost: 1,
    });
    const endpoint = first("createEndpoint");
    expect(judge((_, created) => created.set(endpoint.n, uuid(5)))).toEqual({ effectsLost: 1 });
  });

  it("counts what a refused request wrote as a phantom, and a value on an unplanned contact as stray", () => {
    const forged = first("forgedWebhook");
    const { contactId, key, value } = seededWrite(forged);
    expect(
      judge((s) => {
        s.values.push({ contact_id: contactId, key, value });
        s.activities.push({ request_id: forged.requestId, contact_id: contactId, changes: [] });
      }),
    ).toEqual({ phantomEffects: 1, phantomActivities: 1 });
    const update = first("update");
    expect(
      judge((s) => {
        s.values = s.values.map((v) => (v.key === keyOf(update) ? { ...v, contact_id: uuid(5) } : v));
      }),
    ).toEqual({ effectsLost: 1, strayRows: 1 });
    expect(judge((s) => s.values.push({ contact_id: uuid(5), key: "nobody", value: "x" }))).toEqual({
      strayRows: 1,
    });
    expect(judge((s) => s.contacts.push({ id: uuid(5), email: "nobody@example.com", name: null }))).toEqual({
      strayContacts: 1,
    });
  });

  it("wants one activity row per contact written, recording its values", () => {
    const bulk = first("bulk");
    const row = (s: Snapshot) => s.activities.find((a) => a.request_id === bulk.requestId);
    expect(judge((s) => (s.activities = s.activities.filter((a) => a !== row(s))))).toEqual({
      activityMissing: 1,
    });
    expect(
      judge((s) => s.activities.push({ ...(row(s) ?? { request_id: "", contact_id: "", changes: [] }) })),
    ).toEqual({
      activityDuplicated: 1,
    });
    expect(
      judge((s) => {
        const found = row(s);
        if (found) {
          found.changes = [];
        }
      }),
    ).toEqual({ activityWrong: 1 });
  });

  it("allows either outcome for a request without an answer, and counts whether it wrote", () => {
    const update = first("update");
    const unanswered = new Map(statuses);
    unanswered.delete(update.n);
    expect(judge(() => undefined, unanswered)).toEqual({ unknown: 1 });
    const { snapshot, created } = honestRun(world, plans, statuses);
    const verdict = judgeRun(snapshot, seeded, plans, {
      statuses: unanswered,
      unknownOutcome: new Set(),
      created,
    });
    expect([verdict.unknown, verdict.unknownWritten]).toEqual([1, 1]);
  });
});
