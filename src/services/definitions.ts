import type { DefinitionsSnapshot } from "../core/fields/definition";
import { applyDelta, type DefinitionsDelta } from "../core/fields/definitions-delta";
import type { Deps } from "./deps";

/** Rough size of a snapshot in the isolate cache: its JSON text. */
const sizeOf = (snapshot: DefinitionsSnapshot): number => JSON.stringify(snapshot).length;

/**
 * The tenant's definitions for the hot path: this isolate's copy (no I/O), else the KV projection
 * (one read, cached by the colo), else the Postgres ledger (one statement; the projection is then
 * written after the response). A copy older than a version this isolate has already seen in a
 * statement's answer is not used, so an isolate always reads its own writes.
 */
export async function loadDefinitions(deps: Deps, tenantId: string): Promise<DefinitionsSnapshot> {
  const floor = newestSeen(deps, tenantId);
  const cached = deps.isolate.snapshots.get(tenantId);
  if (cached && cached.version >= floor) {
    return cached;
  }
  const projected = await deps.projections.read(tenantId);
  if (projected && projected.version >= floor) {
    deps.isolate.snapshots.set(tenantId, projected, sizeOf(projected));
    return projected;
  }
  const snapshot = await deps.definitions.snapshot(tenantId);
  remember(deps, tenantId, snapshot);
  deps.projectLater(tenantId, snapshot);
  return snapshot;
}

/**
 * After a statement: `version` is the ledger's version it saw, `delta` what it changed itself (if
 * anything). The isolate's copy is brought forward from the delta when it is the version the
 * change was made on (the usual case: no read at all); otherwise the ledger is read again after
 * the response. Either way the KV projection is rewritten whole, never edited in place.
 */
export function keepDefinitionsCurrent(
  deps: Deps,
  tenantId: string,
  planned: DefinitionsSnapshot | undefined,
  version: number,
  delta: DefinitionsDelta | null,
): void {
  const floor = newestSeen(deps, tenantId);
  if (version > floor) {
    deps.isolate.floors.set(tenantId, version);
  }
  const base = deps.isolate.snapshots.get(tenantId) ?? planned;
  if (base && base.version >= version) {
    return;
  }
  const next = base && delta ? applyDelta(base, delta) : undefined;
  if (next && next.version === version) {
    remember(deps, tenantId, next);
    deps.projectLater(tenantId, next);
    return;
  }
  refreshLater(deps, tenantId);
}

/**
 * Writes a snapshot to the KV projection (after the response). KV keeps whichever write lands
 * last, so when this isolate has meanwhile seen a newer ledger version than the one written (a
 * later statement's write landed first), the ledger is read and written again.
 */
export async function writeProjection(
  deps: Deps,
  tenantId: string,
  snapshot: DefinitionsSnapshot,
): Promise<void> {
  await deps.projections.write(tenantId, snapshot);
  if (newestSeen(deps, tenantId) > snapshot.version) {
    refreshLater(deps, tenantId);
  }
}

const newestSeen = (deps: Deps, tenantId: string): number => deps.isolate.floors.get(tenantId) ?? 0;

/** Attempts of one refresh to catch up with versions committed while it read. */
const REFRESH_ATTEMPTS = 3;

/**
 * Reads the ledger again after the response, once per tenant at a time in this isolate. A statement
 * that commits a newer version while the read is under way cannot start a refresh of its own (this
 * one is running), so this one reads again until it has written the newest version the isolate has
 * seen: otherwise the projection could stay behind until the tenant's next change.
 */
function refreshLater(deps: Deps, tenantId: string): void {
  if (deps.isolate.refreshing.has(tenantId)) {
    return;
  }
  const refresh = (async () => {
    try {
      for (let attempt = 0; attempt < REFRESH_ATTEMPTS; attempt++) {
        const snapshot = await deps.definitions.snapshot(tenantId);
        remember(deps, tenantId, snapshot);
        await deps.projections.write(tenantId, snapshot);
        if (snapshot.version >= newestSeen(deps, tenantId)) {
          return;
        }
      }
    } finally {
      deps.isolate.refreshing.delete(tenantId);
    }
  })();
  deps.isolate.refreshing.set(tenantId, refresh);
  deps.defer(() => refresh);
}

function remember(deps: Deps, tenantId: string, snapshot: DefinitionsSnapshot): void {
  const current = deps.isolate.snapshots.get(tenantId);
  if (!current || current.version <= snapshot.version) {
    deps.isolate.snapshots.set(tenantId, snapshot, sizeOf(snapshot));
  }
}
