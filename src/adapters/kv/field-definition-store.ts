import * as z from "zod/mini";
import { FieldDefinitionSchema } from "../../core/fields/definition";
import { indexDefinitions } from "../../core/fields/definition-index";
import { toFieldKey } from "../../core/fields/field-key";
import type { FieldDefinitionStore } from "../../core/ports";
import { ApiError } from "../../errors";

/**
 * Layout: one KV value per tenant, `fields:v1:<tenant id>` -> `{ definitions: [...] }`. The hot path
 * needs every definition of the tenant at once, so one value means one read, and `cacheTtl` lets
 * the colo serve it from its cache. Writes read-modify-write that value (see README, "Architecture").
 */
const RecordSchema = z.object({ definitions: z.array(FieldDefinitionSchema) });
type TenantRecord = z.infer<typeof RecordSchema>;

const recordKey = (tenantId: string): string => `fields:v1:${tenantId}`;
/** KV's floor for cacheTtl; matches its own propagation delay, so caching adds no new staleness class. */
const READ_CACHE_TTL_SECONDS = 60;

/**
 * Tenant records this isolate read or wrote in the last `ttlMs`. KV may serve a value up to 60 s
 * old anyway, so a TTL below that adds no new kind of staleness, and a warm isolate then serves a
 * request whose keys all match without any KV read at all. Writes of this isolate refresh it.
 */
export class TenantRecordCache {
  readonly #entries = new Map<string, { record: TenantRecord; until: number; bytes: number }>();
  #bytes = 0;

  /** `maxBytes` (of the records' JSON) bounds the memory an isolate spends on it (isolates get 128 MB). */
  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  get(tenantId: string): TenantRecord | undefined {
    const entry = this.#entries.get(tenantId);
    return entry && entry.until > this.clock() ? entry.record : undefined;
  }

  set(tenantId: string, record: TenantRecord, bytes: number): void {
    this.#bytes -= this.#entries.get(tenantId)?.bytes ?? 0;
    this.#entries.delete(tenantId);
    if (bytes > this.maxBytes / 4) {
      return;
    }
    // Oldest first (Map keeps insertion order) until the new record fits.
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes + bytes <= this.maxBytes) {
        break;
      }
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
    this.#entries.set(tenantId, { record, until: this.clock() + this.ttlMs, bytes });
    this.#bytes += bytes;
  }
}

/** KV operations of one request, reported in Server-Timing so cost is visible (and benchmarked). */
export interface KvUsage {
  reads: number;
  writes: number;
}

const unavailable = () =>
  new ApiError("SERVICE_UNAVAILABLE", "custom field definitions are unavailable; retry later", undefined, {
    "Retry-After": "5",
  });

export function createFieldDefinitionStore(
  kv: KVNamespace,
  usage: KvUsage = { reads: 0, writes: 0 },
  cache: TenantRecordCache = new TenantRecordCache(0, () => 0),
): FieldDefinitionStore {
  /** `cached`: the hot path, served by the isolate or the colo's cache; otherwise KV's latest. */
  const read = async (tenantId: string, cached: boolean): Promise<TenantRecord> => {
    const known = cached ? cache.get(tenantId) : undefined;
    if (known) {
      return known;
    }
    usage.reads++;
    let raw: string | null;
    try {
      raw = cached
        ? await kv.get(recordKey(tenantId), { type: "text", cacheTtl: READ_CACHE_TTL_SECONDS })
        : await kv.get(recordKey(tenantId), "text");
    } catch {
      // Without the definitions every key would look new and land in the wrong field: refuse
      // cleanly, before anything is written, rather than guess.
      throw new ApiError(
        "SERVICE_UNAVAILABLE",
        "custom field definitions are unavailable; retry later",
        undefined,
        {
          "Retry-After": "5",
        },
      );
    }
    const record = raw === null ? { definitions: [] } : z.parse(RecordSchema, JSON.parse(raw));
    cache.set(tenantId, record, raw?.length ?? 0);
    return record;
  };
  const write = async (tenantId: string, record: TenantRecord) => {
    usage.writes++;
    let text: string;
    try {
      text = JSON.stringify(record);
      await kv.put(recordKey(tenantId), text);
    } catch {
      // KV refuses more than about one write per second per key, among other failures.
      throw unavailable();
    }
    cache.set(tenantId, record, text.length);
  };

  return {
    async list(tenantId) {
      return (await read(tenantId, true)).definitions;
    },
    async record(tenantId, { definitions, aliases, now }) {
      const record = await read(tenantId, false);
      const known = new Set(record.definitions.map((d) => d.key));
      const missing = definitions.filter((d) => !known.has(d.key));
      const taken = new Set(indexDefinitions(record.definitions).exact.keys());
      let changed = missing.length > 0;
      const updated = record.definitions.map((definition) => {
        const learned = aliases
          .filter((a) => a.definitionKey === definition.key && !taken.has(toFieldKey(a.alias)))
          .map((a) => toFieldKey(a.alias));
        if (learned.length === 0) {
          return definition;
        }
        changed = true;
        for (const alias of learned) {
          taken.add(alias);
        }
        return { ...definition, aliases: [...new Set([...definition.aliases, ...learned])], updated_at: now };
      });
      if (changed) {
        await write(tenantId, { definitions: [...updated, ...missing] });
      }
    },
    async put(tenantId, definition) {
      const record = await read(tenantId, false);
      const others = record.definitions.filter((d) => d.key !== definition.key);
      await write(tenantId, { definitions: [...others, definition] });
    },
    async remove(tenantId, key) {
      const record = await read(tenantId, false);
      const kept = record.definitions.filter((d) => d.key !== key);
      if (kept.length === record.definitions.length) {
        return false;
      }
      await write(tenantId, { definitions: kept });
      return true;
    },
  };
}
