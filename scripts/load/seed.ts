import { randomBytes } from "node:crypto";
import { formatWebhookSecret, WEBHOOK_SECRET_BYTES } from "../../src/core/events/webhook-secret";
import type { Query } from "../lib/pg-query";
import { createApiKey, createTenant } from "../lib/tenants";
import { createWebhook } from "../lib/webhooks";
import { startWebhookReceiver, type WebhookReceiver } from "../local/webhook-receiver";
import {
  type LoadTenant,
  type LoadWorld,
  loadName,
  runNames,
  type SeededContact,
  type SeedNeed,
  seedEmail,
  seededLabel,
  seedValue,
} from "./plan";

// Everything the burst needs before it starts: tenants, contacts and webhook URLs straight into
// Postgres; definitions and values through the API (so wrangler's local KV has them too), with a
// second API key per tenant so the burst's key keeps its whole rate limit.

/** A value the seeder wrote: the verification expects it, and only it, beside the burst's. */
export interface SeedValue {
  tenantId: string;
  contactId: string;
  key: string;
  value: string;
}

export interface Seeded {
  world: LoadWorld;
  values: SeedValue[];
  receiver: WebhookReceiver;
  /** Per tenant id: the API key the seeder uses, never the burst. */
  setupKeys: Map<string, string>;
}

export class SeedError extends Error {}

/** At most this many seeding requests at once: enough to be quick, few enough not to be a load. */
const SEED_CONCURRENCY = 8;
/** The bulk route's limit per request. */
const BULK_ITEMS = 100;
/** How long the events Worker may take to deliver the seeder's one event to each hook. */
const DELIVERY_TIMEOUT_MS = 30_000;

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/** The API as the seeder calls it: every call must succeed, or there is nothing to load. */
function seedingApi(base: string, runId: string) {
  let calls = 0;
  return async (apiKey: string, method: string, path: string, body?: unknown): Promise<void> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        "x-api-key": apiKey,
        "x-request-id": `load-${runId}-seed-${calls++}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new SeedError(`seeding ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    }
  };
}

async function insertEndpoint(
  query: Query,
  endpoint: { id?: string; tenantId: string; url: string; fields: string[]; description: string },
): Promise<{ id: string; secret: string }> {
  const secret = formatWebhookSecret(randomBytes(WEBHOOK_SECRET_BYTES));
  const [row] = await query<{ id: string }>(
    // The tenant's endpoint count goes up with it, as the API's create statement does (it is what
    // the limit of endpoints per tenant is checked against).
    `WITH e AS (
       INSERT INTO webhook_endpoints (id, tenant_id, url, events, fields, description, secret)
       VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, ARRAY['contact.metadata_updated'], $4::text[], $5, $6)
       RETURNING id
     ), counted AS (
       UPDATE tenants SET webhook_endpoint_count = webhook_endpoint_count + 1 WHERE id = $2
     )
     SELECT id FROM e`,
    [endpoint.id ?? null, endpoint.tenantId, endpoint.url, endpoint.fields, endpoint.description, secret],
  );
  if (!row) {
    throw new SeedError("webhook endpoint insert returned no row");
  }
  return { id: row.id, secret };
}

/** Contact i of tenant t has `seedEmail(run, t, i)`: the plan finds it by that index. */
async function insertContacts(
  query: Query,
  tenantId: string,
  runId: string,
  tenantIndex: number,
  count: number,
): Promise<SeededContact[]> {
  const emails = Array.from({ length: count }, (_, i) => seedEmail(runId, tenantIndex, i));
  const rows = await query<{ id: string; email: string }>(
    `INSERT INTO contacts (tenant_id, name, email)
     SELECT $1, $2 || (n - 1), e FROM unnest($3::text[]) WITH ORDINALITY AS u(e, n) RETURNING id, email`,
    [tenantId, `load ${runId} contact #`, emails],
  );
  const ids = new Map(rows.map((r) => [r.email, r.id]));
  return emails.map((email) => {
    const id = ids.get(email);
    if (!id) {
      throw new SeedError(`contact ${email} was not inserted`);
    }
    return { id, email };
  });
}

/** Asks `probe` every 250 ms until it answers something, or `timeoutMs` passes (undefined then). */
export async function poll<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined || Date.now() >= deadline) {
      return found;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function waitForDelivery(query: Query, endpointId: string): Promise<string> {
  const delivered = await poll(async () => {
    const [row] = await query<{ id: string }>(
      "SELECT id FROM event_deliveries WHERE endpoint_id = $1 AND status = 'delivered'",
      [endpointId],
    );
    return row?.id;
  }, DELIVERY_TIMEOUT_MS);
  if (!delivered) {
    throw new SeedError(
      `no delivery to hook endpoint ${endpointId} within ${DELIVERY_TIMEOUT_MS / 1000} s: is the events Worker running in \`npm run dev\`?`,
    );
  }
  return delivered;
}

/** Tenants, contacts, webhooks, seed values and one delivered event per tenant. */
export async function seedWorld(
  query: Query,
  base: string,
  runId: string,
  tenantCount: number,
  contactsPerTenant: number,
): Promise<Seeded> {
  const api = seedingApi(base, runId);
  const { seedKey, hookKey } = runNames(runId);
  const receiver = await startWebhookReceiver();
  const values: SeedValue[] = [];
  const setupKeys = new Map<string, string>();
  const tenants: LoadTenant[] = [];
  try {
    const unhooked: (Omit<LoadTenant, "hook"> & { hook: Omit<LoadTenant["hook"], "deliveryId"> })[] = [];
    for (let t = 0; t < tenantCount; t++) {
      const { tenant_id: tenantId, api_key: apiKey } = await createTenant(query, `load ${runId} #${t}`);
      const setupKey = (await createApiKey(query, tenantId)).key;
      setupKeys.set(tenantId, setupKey);
      const contacts = await insertContacts(query, tenantId, runId, t, contactsPerTenant);
      const secret = randomBytes(16).toString("hex");
      const webhookPath = (await createWebhook(query, tenantId)).path;
      const signedPath = (await createWebhook(query, tenantId, secret)).path;

      // Each contact's own seed value: what info, history and search read back under load.
      await api(setupKey, "PUT", `/api/public/custom-fields/${seedKey}`, { label: seededLabel(seedKey) });
      for (let start = 0; start < contacts.length; start += BULK_ITEMS) {
        const chunk = contacts.slice(start, start + BULK_ITEMS);
        await api(setupKey, "POST", "/api/public/contacts/update-metadata", {
          items: chunk.map((c, i) => ({ aiContactId: c.id, metadata: { [seedKey]: seedValue(start + i) } })),
        });
        chunk.forEach((c, i) => {
          values.push({ tenantId, contactId: c.id, key: seedKey, value: seedValue(start + i) });
        });
      }

      // The hook: an endpoint on the receiver that hears only hookKey, which is written once here,
      // so it has exactly one delivery to list and to retry under load.
      const hookName = loadName(runId, "t", t);
      const hook = await insertEndpoint(query, {
        tenantId,
        url: `${receiver.url}/hooks/${hookName}`,
        fields: [hookKey],
        description: `load ${runId} hook`,
      });
      await fetch(`${receiver.url}/__control/hooks/${hookName}`, {
        method: "PUT",
        body: JSON.stringify({ secret: hook.secret }),
      });
      const first = contacts[0];
      if (!first) {
        throw new SeedError("LOAD_CONTACTS must be at least 1");
      }
      await api(setupKey, "POST", `/api/public/contact/${first.id}/update-metadata`, { [hookKey]: "hooked" });
      values.push({ tenantId, contactId: first.id, key: hookKey, value: "hooked" });
      unhooked.push({
        tenantId,
        apiKey,
        contacts,
        webhookPath,
        signedWebhook: { path: signedPath, secret },
        hook: { endpointId: hook.id, name: hookName },
      });
    }
    for (const tenant of unhooked) {
      const deliveryId = await waitForDelivery(query, tenant.hook.endpointId);
      tenants.push({ ...tenant, hook: { ...tenant.hook, deliveryId } });
    }
  } catch (err) {
    await receiver.stop();
    throw err;
  }
  return { world: { runId, tenants, receiverUrl: receiver.url }, values, receiver, setupKeys };
}

/**
 * What the planned requests consume, created before the burst: the fields replaced or deleted
 * (one PUT each), the aliases deleted (one PUT per tenant of the field that has them all), the
 * endpoints deleted (inserted with the ids the plan derived).
 */
export async function seedNeeds(
  query: Query,
  base: string,
  seeded: Seeded,
  needs: readonly SeedNeed[],
): Promise<void> {
  const { runId, receiverUrl } = seeded.world;
  const api = seedingApi(base, `${runId}-needs`);
  const keyOf = (tenantId: string) => {
    const key = seeded.setupKeys.get(tenantId);
    if (!key) {
      throw new SeedError(`no setup key for tenant ${tenantId}`);
    }
    return key;
  };
  const aliases = new Map<string, string[]>();
  for (const need of needs) {
    if (need.kind === "alias") {
      aliases.set(need.tenantId, [...(aliases.get(need.tenantId) ?? []), need.alias]);
    }
  }
  const { aliasField, quietKey } = runNames(runId);
  await forEachLimited([...aliases], SEED_CONCURRENCY, async ([tenantId, list]) => {
    await api(keyOf(tenantId), "PUT", `/api/public/custom-fields/${aliasField}`, { aliases: list });
  });
  await forEachLimited(needs, SEED_CONCURRENCY, async (need) => {
    if (need.kind === "definition") {
      await api(keyOf(need.tenantId), "PUT", `/api/public/custom-fields/${need.key}`, { label: need.label });
    } else if (need.kind === "endpoint") {
      await insertEndpoint(query, {
        id: need.id,
        tenantId: need.tenantId,
        url: `${receiverUrl}/hooks/quiet`,
        fields: [quietKey],
        description: need.description,
      });
    }
  });
}

/** Contacts, values, activities, keys and endpoints go with their tenant (ON DELETE CASCADE). */
export async function deleteTenants(query: Query, tenants: readonly LoadTenant[]): Promise<void> {
  const ids = tenants.map((t) => t.tenantId);
  await query("DELETE FROM tenants WHERE id = ANY($1::uuid[])", [ids]);
  // Usage rows have no foreign key to cascade through (see src/db/schema.ts).
  await query("DELETE FROM usage_events WHERE tenant_id = ANY($1::uuid[])", [ids]);
  await query("DELETE FROM llm_spend_shards WHERE tenant_id = ANY($1::uuid[])", [ids]);
}
