import type { Query } from "../lib/pg-query";
import type { ContactRef, Effect, PlannedRequest } from "./plan";
import type { SeedValue } from "./seed";

// After the burst: what Postgres holds for the run's tenants, read once (`readSnapshot`), then
// judged against what was sent and answered (`judgeRun`, pure, so its rules are unit-tested).

export interface Snapshot {
  values: { contact_id: string; key: string; value: string }[];
  contacts: { id: string; email: string | null; name: string | null }[];
  activities: {
    request_id: string;
    contact_id: string;
    changes: { key?: unknown; new_value?: unknown }[] | null;
  }[];
  definitions: { key: string; label: string; deleted: boolean }[];
  aliases: { definition_key: string; name: string }[];
  endpoints: { id: string; url: string; description: string | null; deleted: boolean }[];
}

/** How each request ended, as the burst saw it. */
export interface Outcomes {
  /** Status of each answered request, by request number. */
  statuses: ReadonlyMap<number, number>;
  /** Requests whose error answer came from the runtime, not the API: either outcome is allowed. */
  unknownOutcome: ReadonlySet<number>;
  /** The id an answer gave the contact or endpoint its request created. */
  created: ReadonlyMap<number, string>;
}

export interface Verification {
  /** Effects of acknowledged (2xx) requests that are not in Postgres as planned. */
  effectsLost: number;
  /** Effects of refused requests (a status other than 2xx) that are there anyway. */
  phantomEffects: number;
  /** Values in the run's tenants that no request or the seeder wrote, or on another contact. */
  strayRows: number;
  /** Contacts in the run's tenants that were neither seeded nor planned. */
  strayContacts: number;
  /** Acknowledged requests without exactly one activity row per contact they wrote. */
  activityMissing: number;
  activityDuplicated: number;
  /** An activity row with the request's id on another contact, or without the planned change. */
  activityWrong: number;
  /** Activity rows of refused requests. */
  phantomActivities: number;
  /**
   * Requests with no answer from the API itself (timeout, connection error, time cap, or an error
   * page from the runtime rather than the Worker): either outcome is allowed, so only counted.
   */
  unknown: number;
  unknownWritten: number;
  /** A few human-readable cases, so a failure can be looked up by request id. */
  examples: string[];
}

const MAX_EXAMPLES = 10;

/** One statement after another: a pg client runs one at a time anyway. */
export async function readSnapshot(query: Query, tenantIds: readonly string[]): Promise<Snapshot> {
  const of = <T>(select: string, andWhere = "") =>
    query<T>(`${select} WHERE tenant_id = ANY($1::uuid[])${andWhere}`, [tenantIds]);
  return {
    values: await of("SELECT contact_id, key, value FROM contact_field_values"),
    contacts: await of("SELECT id, email, name FROM contacts"),
    activities: await of("SELECT request_id, contact_id, changes FROM contact_activities"),
    definitions: await of("SELECT key, label, deleted_at IS NOT NULL AS deleted FROM field_definitions"),
    aliases: await of("SELECT definition_key, name FROM field_names", " AND kind = 'alias'"),
    endpoints: await of(
      "SELECT id, url, description, deleted_at IS NOT NULL AS deleted FROM webhook_endpoints",
    ),
  };
}

const group = <T, K>(rows: readonly T[], keyOf: (row: T) => K): Map<K, T[]> => {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row]);
  }
  return groups;
};

/**
 * Whether one effect is in the snapshot: `applied` exactly as planned, `touched` in any way (what a
 * refused request must not have done). Keys, emails, descriptions and deleted names are the
 * request's own, so any trace of them is this request's.
 */
class Lookup {
  private readonly valuesByKey;
  private readonly contactsByEmail;
  private readonly definitions;
  private readonly aliases;
  private readonly endpointsById;
  private readonly endpointsByDescription;

  constructor(
    snapshot: Snapshot,
    private readonly created: ReadonlyMap<number, string>,
  ) {
    this.valuesByKey = group(snapshot.values, (r) => r.key);
    this.contactsByEmail = group(snapshot.contacts, (c) => c.email?.toLowerCase());
    this.definitions = new Map(snapshot.definitions.map((d) => [d.key, d]));
    this.aliases = new Set(snapshot.aliases.map((a) => `${a.definition_key}/${a.name}`));
    this.endpointsById = new Map(snapshot.endpoints.map((e) => [e.id, e]));
    this.endpointsByDescription = group(snapshot.endpoints, (e) => e.description);
  }

  /** The contact a value is written to: by id, or the one contact with the planned email. */
  contactId(ref: ContactRef): string | undefined {
    if ("id" in ref) {
      return ref.id;
    }
    const found = this.contactsByEmail.get(ref.email.toLowerCase()) ?? [];
    return found.length === 1 ? found[0]?.id : undefined;
  }

  check(effect: Effect, n: number): { applied: boolean; touched: boolean } {
    switch (effect.kind) {
      case "value": {
        const rows = this.valuesByKey.get(effect.key) ?? [];
        const contactId = this.contactId(effect.contact);
        return {
          applied: rows.some((r) => r.contact_id === contactId && r.value === effect.value),
          touched: rows.length > 0,
        };
      }
      case "contact": {
        const found = this.contactsByEmail.get(effect.email.toLowerCase()) ?? [];
        const answered = this.created.get(n);
        return {
          applied:
            found.length === 1 &&
            found[0]?.name === effect.name &&
            (answered === undefined || found[0]?.id === answered),
          touched: found.length > 0,
        };
      }
      case "definition": {
        const row = this.definitions.get(effect.key);
        const done = row !== undefined && !row.deleted && row.label === effect.label;
        return { applied: done, touched: done };
      }
      case "definitionDeleted": {
        const deleted = this.definitions.get(effect.key)?.deleted ?? true;
        return { applied: deleted, touched: deleted };
      }
      case "aliasDeleted": {
        const gone = !this.aliases.has(`${effect.key}/${effect.alias}`);
        return { applied: gone, touched: gone };
      }
      case "endpoint": {
        const found = this.endpointsByDescription.get(effect.description) ?? [];
        const answered = this.created.get(n);
        return {
          applied:
            found.length === 1 &&
            found[0]?.url === effect.url &&
            !found[0].deleted &&
            (answered === undefined || found[0].id === answered),
          touched: found.length > 0,
        };
      }
      case "endpointDeleted": {
        const deleted = this.endpointsById.get(effect.id)?.deleted ?? true;
        return { applied: deleted, touched: deleted };
      }
    }
  }
}

const effectText = (effect: Effect): string => {
  switch (effect.kind) {
    case "value":
      return `${effect.key}=${effect.value}`;
    case "contact":
      return `contact ${effect.email}`;
    case "definition":
      return `definition ${effect.key} "${effect.label}"`;
    case "definitionDeleted":
      return `deletion of definition ${effect.key}`;
    case "aliasDeleted":
      return `deletion of alias ${effect.key}/${effect.alias}`;
    case "endpoint":
      return `endpoint "${effect.description}"`;
    case "endpointDeleted":
      return `deletion of endpoint ${effect.id}`;
  }
};

export function judgeRun(
  snapshot: Snapshot,
  seeded: { contactIds: ReadonlySet<string>; values: readonly SeedValue[] },
  sent: readonly PlannedRequest[],
  outcomes: Outcomes,
): Verification {
  const lookup = new Lookup(snapshot, outcomes.created);
  const activitiesByRequest = group(snapshot.activities, (a) => a.request_id);
  const result: Verification = {
    effectsLost: 0,
    phantomEffects: 0,
    strayRows: 0,
    strayContacts: 0,
    activityMissing: 0,
    activityDuplicated: 0,
    activityWrong: 0,
    phantomActivities: 0,
    unknown: 0,
    unknownWritten: 0,
    examples: [],
  };
  const note = (text: string) => {
    if (result.examples.length < MAX_EXAMPLES) {
      result.examples.push(text);
    }
  };

  // Where each key may hold a value: on the contact its request planned (undefined: a contact by
  // email that is not there once, already counted against its request), and where the seeder put it.
  const plannedValues = new Map<string, string | undefined>();
  const seededValues = new Set(seeded.values.map((v) => `${v.contactId}/${v.key}`));
  const plannedEmails = new Set<string>();

  for (const request of sent) {
    const status = outcomes.statuses.get(request.n);
    const checks = request.effects.map((effect) => ({ effect, ...lookup.check(effect, request.n) }));
    const logged = activitiesByRequest.get(request.requestId) ?? [];
    for (const effect of request.effects) {
      if (effect.kind === "value") {
        plannedValues.set(effect.key, lookup.contactId(effect.contact));
      } else if (effect.kind === "contact") {
        plannedEmails.add(effect.email);
      }
    }

    if (status === undefined || outcomes.unknownOutcome.has(request.n)) {
      result.unknown++;
      if (checks.some((c) => c.touched)) {
        result.unknownWritten++;
      }
    } else if (status >= 200 && status < 300) {
      for (const { effect } of checks.filter((c) => !c.applied)) {
        result.effectsLost++;
        note(
          `${request.requestId} (${request.case}): acknowledged ${status}, but ${effectText(effect)} is not in Postgres as planned`,
        );
      }
      judgeActivities(request, logged, lookup, result, note);
    } else {
      for (const { effect } of checks.filter((c) => c.touched)) {
        result.phantomEffects++;
        note(
          `${request.requestId} (${request.case}): refused with ${status}, but ${effectText(effect)} is in Postgres`,
        );
      }
      if (logged.length > 0) {
        result.phantomActivities++;
        note(`${request.requestId} (${request.case}): refused with ${status}, but has an activity row`);
      }
    }
  }

  for (const row of snapshot.values) {
    const planned = plannedValues.get(row.key);
    const expected =
      seededValues.has(`${row.contact_id}/${row.key}`) ||
      (plannedValues.has(row.key) && (planned === undefined || planned === row.contact_id));
    if (!expected) {
      result.strayRows++;
      note(`stray row: contact ${row.contact_id} ${row.key}=${row.value}`);
    }
  }
  for (const contact of snapshot.contacts) {
    if (!seeded.contactIds.has(contact.id) && !plannedEmails.has(contact.email?.toLowerCase() ?? "")) {
      result.strayContacts++;
      note(`stray contact: ${contact.id} ${contact.email}`);
    }
  }
  return result;
}

/** One activity row per contact the request wrote, recording each of its values there. */
function judgeActivities(
  request: PlannedRequest,
  logged: readonly Snapshot["activities"][number][],
  lookup: Lookup,
  result: Verification,
  note: (text: string) => void,
): void {
  const valuesByContact = group(
    request.effects.flatMap((e) => (e.kind === "value" ? [e] : [])),
    (e) => lookup.contactId(e.contact),
  );
  for (const [contactId, values] of valuesByContact) {
    const rows = logged.filter((a) => a.contact_id === contactId);
    if (rows.length === 0) {
      result.activityMissing++;
      note(
        `${request.requestId} (${request.case}): acknowledged, but no activity row on contact ${contactId}`,
      );
    } else if (rows.length > 1) {
      result.activityDuplicated++;
      note(`${request.requestId} (${request.case}): ${rows.length} activity rows on contact ${contactId}`);
    }
    const records = (row: (typeof rows)[number]) =>
      values.every((v) => (row.changes ?? []).some((c) => c.key === v.key && c.new_value === v.value));
    if (rows.some((row) => !records(row))) {
      result.activityWrong++;
      note(`${request.requestId} (${request.case}): an activity row does not record its values`);
    }
  }
  const elsewhere = logged.filter((a) => !valuesByContact.has(a.contact_id));
  if (elsewhere.length > 0) {
    result.activityWrong++;
    note(
      `${request.requestId} (${request.case}): an activity row on contact ${elsewhere[0]?.contact_id}, which it did not write`,
    );
  }
}
