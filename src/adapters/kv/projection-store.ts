import * as z from "zod/mini";
import { DomainError } from "../../core/errors";
import { DefinitionsSnapshotSchema } from "../../core/fields/definition";
import type { ProjectionStore } from "../../services/ports";

/**
 * Layout: one KV value per tenant, `definitions:v2:<tenant id>` -> `{version, definitions}`, the
 * projection of the Postgres ledger at that version. The hot path needs every definition of the
 * tenant at once, so one value is one read, and `cacheTtl` lets the colo serve it from its cache.
 * It is only ever written whole, from the ledger: never read, changed and written back.
 */
const keyOf = (tenantId: string): string => `definitions:v2:${tenantId}`;

/** KV's floor for cacheTtl; matches its own propagation delay, so caching adds no new staleness class. */
const READ_CACHE_TTL_SECONDS = 60;

/** KV operations of one request, reported in Server-Timing so cost is visible (and benchmarked). */
export interface KvUsage {
  reads: number;
  writes: number;
}

export function createProjectionStore(kv: KVNamespace, usage: KvUsage): ProjectionStore {
  return {
    async read(tenantId) {
      usage.reads++;
      let raw: string | null;
      try {
        raw = await kv.get(keyOf(tenantId), { type: "text", cacheTtl: READ_CACHE_TTL_SECONDS });
      } catch {
        // Without the definitions every key would look new and land in the wrong field: refuse
        // cleanly, before anything is written, rather than guess.
        throw new DomainError("UNAVAILABLE", "custom field definitions are unavailable; retry later");
      }
      if (raw === null) {
        return null;
      }
      const parsed = z.safeParse(DefinitionsSnapshotSchema, safeJson(raw));
      // A value we cannot read is as good as none: the ledger rebuilds it.
      return parsed.success ? parsed.data : null;
    },
    async write(tenantId, snapshot) {
      usage.writes++;
      await kv.put(keyOf(tenantId), JSON.stringify(snapshot));
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
