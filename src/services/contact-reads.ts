import { DomainError, invalidInput } from "../core/errors";
import { MAX_KEY_LENGTH, toFieldKey } from "../core/fields/field-key";
import type { MetadataValue } from "../core/metadata/metadata-value";
import { decodeCursor, encodeCursor } from "../core/pagination/cursor";
import { filtersFormatPhones, parseFilters, planFilters } from "../core/search/filters";
import { ensureVerified, unauthenticated } from "./caller";
import { loadDefinitions } from "./definitions";
import type { Deps } from "./deps";
import type { ActivityEntry, Caller, FoundContact } from "./ports";
import { meterServed, usageRecord } from "./usage";

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

function positionOf(list: "activity" | "search", cursor: string | null | undefined): string | null {
  if (cursor === null || cursor === undefined || cursor === "") {
    return null;
  }
  const position = decodeCursor(list, cursor);
  if (position === undefined) {
    throw invalidInput("cursor: not a cursor of this list; pass next_cursor exactly as it was returned", {
      cursor,
    });
  }
  return position;
}

/**
 * A contact's history, newest first, one statement (no definitions needed: `key` is compared as
 * stored, in its canonical form). One more row than the page is read to know whether a next one
 * exists.
 */
export async function contactActivity(
  deps: Deps,
  input: {
    caller: Caller;
    requestId: string;
    contactId: string;
    limit: number;
    cursor?: string | null;
    key?: string | null;
  },
): Promise<Page<Omit<ActivityEntry, "seq">>> {
  const before = positionOf("activity", input.cursor);
  let key: string | null = null;
  if (input.key !== undefined && input.key !== null) {
    key = toFieldKey(input.key);
    if (key === "" || key.length > MAX_KEY_LENGTH) {
      throw invalidInput("key: expected the name of a field", { key: input.key });
    }
  }
  const found = await deps.reads.activity({
    caller: input.caller,
    contactId: input.contactId,
    limit: input.limit + 1,
    before,
    key,
    usage: usageRecord(deps, input.requestId),
  });
  if (found.status === "unauthorized") {
    throw unauthenticated(input.caller);
  }
  if (found.status === "not_found") {
    throw new DomainError("NOT_FOUND", `contact ${input.contactId} not found`);
  }
  deps.isolate.verified.remember(input.caller.keyHash);
  meterServed(deps, input.caller, { requests: 1 });
  const entries = found.entries.slice(0, input.limit);
  const last = entries.at(-1);
  return {
    data: entries.map(({ seq: _, ...entry }) => entry),
    next_cursor: found.entries.length > input.limit && last ? encodeCursor("activity", last.seq) : null,
  };
}

/**
 * Contacts matching every filter, one statement. Filters are checked first (a bad one costs no
 * I/O); their keys are matched against the tenant's definitions as update keys are, which needs
 * the definitions: only for a caller this isolate has seen confirmed (no tenant-sized work for a
 * forged key).
 */
export async function searchContacts(
  deps: Deps,
  input: {
    caller: Caller;
    requestId: string;
    filters: MetadataValue | undefined;
    limit: number;
    cursor?: string | null;
  },
): Promise<Page<FoundContact>> {
  const parsed = parseFilters(input.filters);
  const after = positionOf("search", input.cursor);
  let planned: ReturnType<typeof planFilters> = [];
  if (parsed.length > 0) {
    await ensureVerified(deps, input.caller);
    const snapshot = await loadDefinitions(deps, input.caller.tenantId);
    const phoneMetadata = filtersFormatPhones(parsed, snapshot.definitions)
      ? await deps.phoneMetadata()
      : undefined;
    planned = planFilters(parsed, snapshot.definitions, phoneMetadata);
  }
  const found = await deps.reads.search({
    caller: input.caller,
    filters: planned,
    limit: input.limit + 1,
    after,
    usage: usageRecord(deps, input.requestId),
  });
  if (found.status === "unauthorized") {
    throw unauthenticated(input.caller);
  }
  deps.isolate.verified.remember(input.caller.keyHash);
  meterServed(deps, input.caller, { requests: 1 });
  const data = found.contacts.slice(0, input.limit);
  const last = data.at(-1);
  return {
    data,
    next_cursor: found.contacts.length > input.limit && last ? encodeCursor("search", last.id) : null,
  };
}
