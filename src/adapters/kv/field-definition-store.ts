import * as z from "zod/mini";
import { FieldDefinitionSchema } from "../../core/fields/definition";
import { indexDefinitions } from "../../core/fields/definition-index";
import { toFieldKey } from "../../core/fields/field-key";
import type { FieldDefinitionStore } from "../../core/ports";

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

/** KV operations of one request, reported in Server-Timing so cost is visible (and benchmarked). */
export interface KvUsage {
  reads: number;
  writes: number;
}

export function createFieldDefinitionStore(
  kv: KVNamespace,
  usage: KvUsage = { reads: 0, writes: 0 },
): FieldDefinitionStore {
  const read = async (tenantId: string, cached: boolean): Promise<TenantRecord> => {
    usage.reads++;
    const raw = cached
      ? await kv.get(recordKey(tenantId), { type: "json", cacheTtl: READ_CACHE_TTL_SECONDS })
      : await kv.get(recordKey(tenantId), "json");
    if (raw === null) {
      return { definitions: [] };
    }
    return z.parse(RecordSchema, raw);
  };
  const write = (tenantId: string, record: TenantRecord) => {
    usage.writes++;
    return kv.put(recordKey(tenantId), JSON.stringify(record));
  };

  return {
    async list(tenantId) {
      return (await read(tenantId, true)).definitions;
    },
    async record(tenantId, { definitions, aliases, now }) {
      const record = await read(tenantId, false);
      const known = new Set(record.definitions.map((d) => d.key));
      const missing = definitions.filter((d) => !known.has(d.key));
      const taken = new Set(indexDefinitions(record.definitions).keys());
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
