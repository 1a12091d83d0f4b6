// Helpers for the change-event tests (workerd side): endpoints registered through the API, a
// hook of the Node receiver behind each, and polling for what the events Worker delivered.
import { inject } from "vitest";
import type { ReceivedWebhook, ScriptedAnswer } from "../../scripts/local/webhook-receiver";
import type { CreatedWebhookEndpoint, EventDelivery } from "../../src/services/ports";
import { call, postJson, query, type TenantFixture } from "../harness";

export type { ReceivedWebhook };

const receiverUrl = inject("receiverUrl");

export interface Hook {
  name: string;
  endpoint: CreatedWebhookEndpoint;
}

export const createEndpoint = (t: TenantFixture, body: unknown) =>
  postJson("/api/public/webhook-endpoints", t.apiKey, body);

/**
 * Registers an endpoint for the tenant whose URL is a fresh hook of the receiver, and gives the
 * receiver its secret (to verify signatures) and a script of answers (after it: 200).
 */
export async function registerHook(
  t: TenantFixture,
  options: { events?: string[]; fields?: string[]; script?: ScriptedAnswer[] } = {},
): Promise<Hook> {
  const name = crypto.randomUUID();
  const res = await createEndpoint(t, {
    url: `${receiverUrl}/hooks/${name}`,
    ...(options.events ? { events: options.events } : {}),
    ...(options.fields ? { fields: options.fields } : {}),
  });
  if (res.status !== 201) {
    throw new Error(`endpoint registration failed: ${res.status} ${await res.text()}`);
  }
  const endpoint = await res.json<CreatedWebhookEndpoint>();
  await scriptHook(name, endpoint.secret, options.script ?? []);
  return { name, endpoint };
}

export async function scriptHook(name: string, secret: string, script: ScriptedAnswer[]): Promise<void> {
  const res = await fetch(`${receiverUrl}/__control/hooks/${name}`, {
    method: "PUT",
    body: JSON.stringify({ secret, script }),
  });
  await res.arrayBuffer();
}

export async function received(hook: Hook): Promise<ReceivedWebhook[]> {
  const res = await fetch(`${receiverUrl}/__control/hooks/${hook.name}`);
  return (await res.json<{ received: ReceivedWebhook[] }>()).received;
}

/** The bodies the hook accepted (answered 2xx), parsed. */
export async function accepted(hook: Hook): Promise<WebhookPayload[]> {
  return (await received(hook))
    .filter((r) => typeof r.answered === "number" && r.answered < 300)
    .map((r) => JSON.parse(r.body) as WebhookPayload);
}

export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: {
    contact_id: string;
    sequence: number;
    contact?: Record<string, string | null>;
    changes: { key: string; old_value: string | null; new_value: string | null }[];
    actor: { api_key_prefix: string } | { webhook_id: string };
    request_id: string;
  };
}

/** Polls until `done` holds (the queue batches, retries wait a second), or fails with the last value. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting; last value: ${JSON.stringify(value).slice(0, 2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function deliveries(t: TenantFixture, endpointId: string): Promise<EventDelivery[]> {
  const res = await call(`/api/public/webhook-endpoints/${endpointId}/deliveries`, {
    headers: { "x-api-key": t.apiKey },
  });
  if (res.status !== 200) {
    throw new Error(`deliveries listing failed: ${res.status} ${await res.text()}`);
  }
  return res.json<EventDelivery[]>();
}

export interface EventRow {
  id: string;
  seq: string;
  type: string;
  payload: { changes: { key: string; old_value: string | null; new_value: string | null }[] };
  actor: Record<string, string>;
  request_id: string;
  enqueued_at: string | null;
  dispatched_at: string | null;
}

export const eventRows = (contactId: string) =>
  query<EventRow>(
    "SELECT id, seq, type, payload, actor, request_id, enqueued_at, dispatched_at FROM contact_events WHERE contact_id = $1 ORDER BY seq",
    [contactId],
  );
