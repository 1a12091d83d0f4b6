import type { Query } from "../lib/pg-query";
import type { LoadTenant, PlannedRequest } from "./plan";

interface FieldRow {
  contact_id: string;
  key: string;
  value: string;
}

interface ActivityRow {
  request_id: string;
  contact_id: string;
  changes: { key?: unknown; new_value?: unknown }[] | null;
}

export interface Verification {
  /** Acknowledged (2xx) requests whose row is absent or holds another value. */
  fieldsLost: number;
  /** Refused requests (a status other than 2xx) whose key was written anyway. */
  phantomWrites: number;
  /** Rows in the run's tenants that no request asked for, or on another contact than planned. */
  strayRows: number;
  /** Acknowledged requests without exactly one matching activity row. */
  activityMissing: number;
  activityDuplicated: number;
  /** An activity row with the request's id that names another contact, key or value. */
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

export async function verifyRun(
  query: Query,
  tenants: LoadTenant[],
  sent: PlannedRequest[],
  statuses: ReadonlyMap<number, number>,
  unknownOutcome: ReadonlySet<number>,
): Promise<Verification> {
  const tenantIds = tenants.map((t) => t.tenantId);
  // Every row of the run's tenants, not just the expected keys: a write that landed under another
  // key or contact must show up as stray instead of being invisible.
  const fields = await query<FieldRow>(
    "SELECT contact_id, key, value FROM contact_field_values WHERE tenant_id = ANY($1::uuid[])",
    [tenantIds],
  );
  const activities = await query<ActivityRow>(
    "SELECT request_id, contact_id, changes FROM contact_activities WHERE tenant_id = ANY($1::uuid[])",
    [tenantIds],
  );

  const rowsByKey = new Map<string, FieldRow[]>();
  for (const row of fields) {
    rowsByKey.set(row.key, [...(rowsByKey.get(row.key) ?? []), row]);
  }
  const activitiesByRequest = new Map<string, ActivityRow[]>();
  for (const row of activities) {
    activitiesByRequest.set(row.request_id, [...(activitiesByRequest.get(row.request_id) ?? []), row]);
  }

  const result: Verification = {
    fieldsLost: 0,
    phantomWrites: 0,
    strayRows: 0,
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

  const plannedKeys = new Map<string, PlannedRequest>();
  for (const request of sent) {
    plannedKeys.set(request.storedKey, request);
    const rows = rowsByKey.get(request.storedKey) ?? [];
    const written = rows.some((r) => r.contact_id === request.contactId);
    const exact = rows.some((r) => r.contact_id === request.contactId && r.value === request.value);
    const logged = activitiesByRequest.get(request.requestId) ?? [];
    const status = statuses.get(request.n);

    if (status === undefined || unknownOutcome.has(request.n)) {
      result.unknown++;
      if (written) {
        result.unknownWritten++;
      }
    } else if (status >= 200 && status < 300) {
      if (!exact) {
        result.fieldsLost++;
        note(`${request.requestId}: acknowledged, but ${request.storedKey}=${request.value} is not stored`);
      }
      if (logged.length === 0) {
        result.activityMissing++;
        note(`${request.requestId}: acknowledged, but no activity row`);
      } else if (logged.length > 1) {
        result.activityDuplicated++;
        note(`${request.requestId}: ${logged.length} activity rows`);
      }
      const matching = logged.filter(
        (a) =>
          a.contact_id === request.contactId &&
          (a.changes ?? []).some((c) => c.key === request.storedKey && c.new_value === request.value),
      );
      if (logged.length > 0 && matching.length !== logged.length) {
        result.activityWrong++;
        note(`${request.requestId}: activity row does not record ${request.storedKey}=${request.value}`);
      }
    } else {
      if (rows.length > 0) {
        result.phantomWrites++;
        note(`${request.requestId}: refused with ${status}, but ${request.storedKey} was written`);
      }
      if (logged.length > 0) {
        result.phantomActivities++;
        note(`${request.requestId}: refused with ${status}, but has an activity row`);
      }
    }
  }

  for (const row of fields) {
    const request = plannedKeys.get(row.key);
    if (!request || request.contactId !== row.contact_id) {
      result.strayRows++;
      note(`stray row: contact ${row.contact_id} ${row.key}=${row.value}`);
    }
  }
  return result;
}

/** What a 200 must say: one field, the planned key and value, on the planned contact. */
export function acknowledgesPlan(body: string, request: PlannedRequest): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  if (!Array.isArray(parsed) || parsed.length !== 1) {
    return false;
  }
  const field = parsed[0] as { key?: unknown; value?: unknown; ai_contact_id?: unknown };
  return (
    field.key === request.storedKey &&
    field.value === request.value &&
    field.ai_contact_id === request.contactId
  );
}
