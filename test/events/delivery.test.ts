// Change events end to end: the API Worker's queue send, miniflare's queue, the events Worker's
// signed POSTs and retries, and the sweep, against a real receiver that verifies signatures with
// the `standardwebhooks` package. Retry waits are 1 s here (EVENTS_RETRY_DELAYS_SECONDS="1,1,1":
// 4 attempts), instead of 5 s … 10 h.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import type { Bindings } from "../../src/env";
import apiWorker from "../../src/index";
import type { EventDelivery } from "../../src/services/ports";
import { call, query, seedTenant, type TenantFixture, updateMetadata } from "../harness";
import {
  accepted,
  deliveries,
  eventRows,
  type Hook,
  type ReceivedWebhook,
  received,
  registerHook,
  sleep,
  waitFor,
} from "./helpers";

const acceptedCount = (n: number) => (hook: Hook) =>
  waitFor(
    () => accepted(hook),
    (bodies) => bodies.length >= n,
  );

const settled = (t: TenantFixture, hook: Hook, n: number) =>
  waitFor(
    () => deliveries(t, hook.endpoint.id),
    (list: EventDelivery[]) =>
      list.length === n && list.every((d) => d.status === "delivered" || d.status === "failed"),
  );

/** The API Worker's scheduled() handler, as the Cron Trigger calls it. */
async function runSweep(): Promise<void> {
  await apiWorker.scheduled(createScheduledController({ cron: "* * * * *" }), env as unknown as Bindings);
}

describe("delivery", () => {
  it("a registered receiver gets each change as a signed Standard Webhooks POST within seconds", async () => {
    const t = await seedTenant();
    const hook = await registerHook(t);
    const res = await updateMetadata(t, { plan: "pro", leadScore: 42 });
    expect(res.status).toBe(200);

    const [got] = await waitFor(
      () => received(hook),
      (r) => r.length >= 1,
      5_000,
    );
    expect(got?.verified).toBe(true);
    const [event] = await eventRows(t.contactId);
    const [key] = await query<{ prefix: string }>("SELECT prefix FROM api_keys WHERE tenant_id = $1", [
      t.tenantId,
    ]);
    const [row] = await query<{ at: string }>("SELECT created_at AS at FROM contact_events WHERE id = $1", [
      event?.id,
    ]);
    // The exact bytes signed: the documented shape, keys in the documented order.
    expect(got?.body).toBe(
      JSON.stringify({
        type: "contact.metadata_updated",
        timestamp: new Date(String(row?.at)).toISOString(),
        data: {
          contact_id: t.contactId,
          sequence: 1,
          changes: [
            { key: "lead_score", old_value: null, new_value: "42" },
            { key: "plan", old_value: null, new_value: "pro" },
          ],
          actor: { api_key_prefix: key?.prefix },
          request_id: res.headers.get("x-request-id"),
        },
      }),
    );
    const [delivery] = await settled(t, hook, 1);
    expect(delivery).toMatchObject({
      webhook_id: got?.webhookId,
      event_id: event?.id,
      event_type: "contact.metadata_updated",
      contact_id: t.contactId,
      status: "delivered",
      attempts: 1,
      last_response_code: 200,
      next_retry_at: null,
    });
    expect(got?.webhookId).toBe(`msg_${delivery?.id.replaceAll("-", "")}`);
  });

  it("with fields, an endpoint hears only changes to those fields, and nothing when none of them changed", async () => {
    const t = await seedTenant();
    const planOnly = await registerHook(t, { fields: ["plan"] });
    const everything = await registerHook(t);
    const elsewhere = await registerHook(t, { fields: ["phone_number"] });
    const createdOnly = await registerHook(t, { events: ["contact.created"] });
    expect((await updateMetadata(t, { plan: "pro", seats: "5" })).status).toBe(200);
    expect((await updateMetadata(t, { seats: "6" })).status).toBe(200);

    const [plan] = await acceptedCount(1)(planOnly);
    expect(plan?.data.changes).toEqual([{ key: "plan", old_value: null, new_value: "pro" }]);
    const all = await acceptedCount(2)(everything);
    expect(all.map((b) => b.data.changes.map((c) => c.key))).toEqual([["plan", "seats"], ["seats"]]);
    // Fan-out is one statement per event: once the others have theirs, these were decided too.
    await settled(t, planOnly, 1);
    expect(await deliveries(t, elsewhere.endpoint.id)).toEqual([]);
    expect(await deliveries(t, createdOnly.endpoint.id)).toEqual([]);
    expect(await received(elsewhere)).toEqual([]);
    expect(await received(createdOnly)).toEqual([]);
  });

  it("contact.created reaches endpoints subscribed to it, whatever their fields", async () => {
    const t = await seedTenant();
    const hook = await registerHook(t, { events: ["contact.created"], fields: ["plan"] });
    const res = await call("/api/public/contact", {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ name: "Grace", email: "grace@example.com" }),
    });
    const { id } = await res.json<{ id: string }>();
    const [created] = await acceptedCount(1)(hook);
    expect(created).toMatchObject({
      type: "contact.created",
      data: {
        contact_id: id,
        sequence: 1,
        contact: { name: "Grace", email: "grace@example.com", phone: null },
        changes: [],
      },
    });
  });

  it("a contact created with metadata is one contact.created carrying it (cut to the endpoint's fields), and no metadata_updated", async () => {
    const t = await seedTenant();
    const planOnly = await registerHook(t, { fields: ["plan"] });
    const updatesOnly = await registerHook(t, { events: ["contact.metadata_updated"] });
    const res = await call("/api/public/contact", {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ name: "Grace", metadata: { plan: "pro", seats: 5 } }),
    });
    expect(res.status).toBe(201);
    const { id } = await res.json<{ id: string }>();
    const [created] = await acceptedCount(1)(planOnly);
    expect(created).toMatchObject({
      type: "contact.created",
      data: {
        contact_id: id,
        sequence: 1,
        contact: { name: "Grace", email: null, phone: null },
        changes: [{ key: "plan", old_value: null, new_value: "pro" }],
      },
    });
    await settled(t, planOnly, 1);
    expect(await deliveries(t, updatesOnly.endpoint.id)).toEqual([]);
    expect(await received(updatesOnly)).toEqual([]);
  });

  it("a receiver failing (503) then recovering gets every event once per webhook-id, same body each time", async () => {
    const t = await seedTenant();
    const hook = await registerHook(t, { script: [503, 503, 503] });
    for (const plan of ["a", "b", "c"]) {
      expect((await updateMetadata(t, { plan })).status).toBe(200);
    }
    const list = await settled(t, hook, 3);
    expect(list.every((d) => d.status === "delivered")).toBe(true);

    const all = await received(hook);
    expect(all.every((r) => r.verified)).toBe(true);
    expect(all).toHaveLength(6);
    const byId = Map.groupBy(all, (r: ReceivedWebhook) => r.webhookId);
    expect(byId.size).toBe(3);
    for (const attempts of byId.values()) {
      expect(attempts.filter((r) => r.answered === 200)).toHaveLength(1);
      expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
    }
    expect(list.reduce((sum, d) => sum + d.attempts, 0)).toBe(6);
    const plans = (await accepted(hook)).map((b) => b.data.changes[0]?.new_value).sort();
    expect(plans).toEqual(["a", "b", "c"]);
  });

  it("retries timeouts, 408 and 429; fails at once on another 4xx", async () => {
    const t = await seedTenant();
    const flaky = await registerHook(t, { script: ["hang", 408, 429] });
    const gone = await registerHook(t, { script: [410] });
    expect((await updateMetadata(t, { plan: "pro" })).status).toBe(200);

    const [ok] = await settled(t, flaky, 1);
    expect(ok).toMatchObject({ status: "delivered", attempts: 4, last_response_code: 200 });
    const [failed] = await settled(t, gone, 1);
    expect(failed).toMatchObject({
      status: "failed",
      attempts: 1,
      last_response_code: 410,
      next_retry_at: null,
    });
    expect(failed?.failed_at).not.toBeNull();
    await sleep(2_500);
    expect(await received(gone)).toHaveLength(1);
  });

  it("gives up after the last retry, then a manual retry resends with the same webhook-id", async () => {
    const t = await seedTenant();
    const hook = await registerHook(t, { script: [500, 500, 500, 500] });
    expect((await updateMetadata(t, { plan: "pro" })).status).toBe(200);
    const [failed] = await settled(t, hook, 1);
    expect(failed).toMatchObject({ status: "failed", attempts: 4, last_response_code: 500 });
    expect(await received(hook)).toHaveLength(4);

    const res = await call(
      `/api/public/webhook-endpoints/${hook.endpoint.id}/deliveries/${failed?.id}/retry`,
      {
        method: "POST",
        headers: { "x-api-key": t.apiKey },
      },
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ id: failed?.id, status: "pending", failed_at: null });
    const all = await waitFor(
      () => received(hook),
      (r) => r.length === 5,
    );
    expect(new Set(all.map((r) => r.webhookId))).toEqual(new Set([failed?.webhook_id]));
    expect(all[4]?.answered).toBe(200);
    const [delivered] = await settled(t, hook, 1);
    expect(delivered).toMatchObject({ status: "delivered", attempts: 5 });
  });

  it("events of one tenant never reach another tenant's endpoints", async () => {
    const a = await seedTenant("tenant a");
    const b = await seedTenant("tenant b");
    const hookA = await registerHook(a);
    const hookB = await registerHook(b);
    expect((await updateMetadata(a, { plan: "pro" })).status).toBe(200);
    await settled(a, hookA, 1);
    expect(await received(hookB)).toEqual([]);
    expect(await deliveries(b, hookB.endpoint.id)).toEqual([]);
  });

  it("a deleted endpoint hears nothing more", async () => {
    const t = await seedTenant();
    const hook = await registerHook(t);
    const kept = await registerHook(t);
    await call(`/api/public/webhook-endpoints/${hook.endpoint.id}`, {
      method: "DELETE",
      headers: { "x-api-key": t.apiKey },
    });
    expect((await updateMetadata(t, { plan: "pro" })).status).toBe(200);
    await settled(t, kept, 1);
    expect(await received(hook)).toEqual([]);
  });
});

describe("the sweep (Cron Trigger)", () => {
  it("re-enqueues an outbox row whose enqueue was lost", async () => {
    const t = await seedTenant();
    const hook = await registerHook(t);
    // The request commits, then its send to the queue fails: the response is still a 200.
    const brokenQueue = {
      send: async () => Promise.reject(new Error("queue unavailable")),
      sendBatch: async () => Promise.reject(new Error("queue unavailable")),
    };
    const ctx = createExecutionContext();
    const res = await createApp().fetch(
      new Request(`http://api.test/api/public/contact/${t.contactId}/update-metadata`, {
        method: "POST",
        headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ plan: "pro" }),
      }),
      { ...(env as unknown as Bindings), EVENTS_QUEUE: brokenQueue as unknown as Bindings["EVENTS_QUEUE"] },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    const [lost] = await eventRows(t.contactId);
    expect(lost).toMatchObject({ enqueued_at: null, dispatched_at: null });

    // Within its grace period the sweep leaves a row to the request's own send.
    await runSweep();
    await sleep(1_000);
    expect(await received(hook)).toEqual([]);

    // Five minutes later (the tenant's whole clock moved back, so the endpoint still predates the event).
    await query("UPDATE contact_events SET created_at = created_at - interval '5 minutes' WHERE id = $1", [
      lost?.id,
    ]);
    await query("UPDATE webhook_endpoints SET created_at = created_at - interval '5 minutes' WHERE id = $1", [
      hook.endpoint.id,
    ]);
    await runSweep();
    const [body] = await acceptedCount(1)(hook);
    expect(body?.data.changes).toEqual([{ key: "plan", old_value: null, new_value: "pro" }]);
    const [swept] = await eventRows(t.contactId);
    expect(swept?.enqueued_at).not.toBeNull();
    expect(swept?.dispatched_at).not.toBeNull();
  });

  it("re-sends a delivery whose retry message was lost, or whose attempt never reported, with its webhook-id", async () => {
    const t = await seedTenant();
    const hook = await registerHook(t);
    expect((await updateMetadata(t, { plan: "pro" })).status).toBe(200);
    const [delivery] = await settled(t, hook, 1);

    // Due an hour ago, and no message on the queue for it: a retry message that was lost.
    await query(
      "UPDATE event_deliveries SET status = 'pending', next_attempt_at = now() - interval '1 hour' WHERE id = $1",
      [delivery?.id],
    );
    await sleep(1_500);
    expect(await received(hook)).toHaveLength(1);
    await runSweep();
    await waitFor(
      () => received(hook),
      (r) => r.length === 2,
    );

    // Claimed by an attempt whose invocation died: the claim lapsed an hour ago.
    await settled(t, hook, 1);
    await query(
      "UPDATE event_deliveries SET status = 'sending', next_attempt_at = now() - interval '1 hour' WHERE id = $1",
      [delivery?.id],
    );
    await runSweep();
    const all = await waitFor(
      () => received(hook),
      (r) => r.length === 3,
    );
    expect(all.every((r) => r.webhookId === delivery?.webhook_id && r.verified)).toBe(true);
    expect((await settled(t, hook, 1))[0]).toMatchObject({ status: "delivered", attempts: 3 });
  });
});
