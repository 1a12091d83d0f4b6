// The webhook endpoint routes: registration, URL rules, listing, deletion, tenant isolation.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import type { Bindings } from "../../src/env";
import type { CreatedWebhookEndpoint, EventDelivery, WebhookEndpoint } from "../../src/services/ports";
import { call, query, seedTenant, type TenantFixture, tamperedKey, updateMetadata } from "../harness";
import { blockedBy, pidOf, WAIT, waitingOnLocks } from "../pg-locks";
import { createEndpoint, deliveries, registerHook, waitFor } from "./helpers";

const list = async (t: TenantFixture) =>
  (await call("/api/public/webhook-endpoints", { headers: { "x-api-key": t.apiKey } })).json<
    WebhookEndpoint[]
  >();

const remove = (t: TenantFixture, id: string) =>
  call(`/api/public/webhook-endpoints/${id}`, { method: "DELETE", headers: { "x-api-key": t.apiKey } });

const retry = (t: TenantFixture, endpointId: string, deliveryId: string) =>
  call(`/api/public/webhook-endpoints/${endpointId}/deliveries/${deliveryId}/retry`, {
    method: "POST",
    headers: { "x-api-key": t.apiKey },
  });

/** The API Worker as deployed: without the local-config variable that the tests and `npm run dev` set. */
async function createInProduction(t: TenantFixture, url: string): Promise<Response> {
  const production: Bindings = { ...(env as unknown as Bindings), LOCAL_ALLOW_LOOPBACK_WEBHOOKS: undefined };
  const ctx = createExecutionContext();
  const res = await createApp().fetch(
    new Request("http://api.test/api/public/webhook-endpoints", {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ url }),
    }),
    production,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe("POST /api/public/webhook-endpoints", () => {
  it("registers an endpoint and shows its Standard Webhooks secret once", async () => {
    const t = await seedTenant();
    const res = await createEndpoint(t, {
      url: "https://hooks.example.com/contacts",
      fields: ["leadScore", "plan", "plan"],
      description: "CRM sync",
    });
    expect(res.status).toBe(201);
    const created = await res.json<CreatedWebhookEndpoint>();
    expect(created).toMatchObject({
      url: "https://hooks.example.com/contacts",
      events: ["contact.created", "contact.metadata_updated"],
      // Stored as keys are: snake_case, once each.
      fields: ["lead_score", "plan"],
      description: "CRM sync",
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(created.secret.slice("whsec_".length))).toHaveLength(32);

    const listed = await list(t);
    expect(listed).toEqual([
      {
        id: created.id,
        url: created.url,
        events: created.events,
        fields: created.fields,
        description: "CRM sync",
        created_at: created.created_at,
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain("whsec_");
  });

  it("subscribes to the event types named, and hears every field by default", async () => {
    const t = await seedTenant();
    const res = await createEndpoint(t, { url: "https://hooks.example.com/x", events: ["contact.created"] });
    expect(await res.json()).toMatchObject({ events: ["contact.created"], fields: null, description: null });
  });

  it.each([
    ["no url", {}],
    ["an unknown event type", { url: "https://hooks.example.com/x", events: ["contact.deleted"] }],
    ["no event types", { url: "https://hooks.example.com/x", events: [] }],
    ["a field that is no key", { url: "https://hooks.example.com/x", fields: ["!!!"] }],
    ["not a URL", { url: "hooks.example.com/x" }],
    ["credentials in the URL", { url: "https://user:pass@hooks.example.com/x" }],
  ])("refuses %s (400)", async (_, body) => {
    const t = await seedTenant();
    expect((await createEndpoint(t, body)).status).toBe(400);
    expect(await list(t)).toEqual([]);
  });

  it.each([
    "http://hooks.example.com/x",
    "https://10.0.0.8/x",
    "https://192.168.1.1/x",
    "https://169.254.169.254/latest/meta-data",
    "https://[fe80::1]/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://metadata.google.internal/x",
    "https://printer.local/x",
    "http://10.0.0.8/x",
  ])("refuses a URL that is not public https, even under local config: %s", async (url) => {
    const t = await seedTenant();
    const res = await createEndpoint(t, { url });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { message: string } }>()).error.message).toMatch(/^url: /);
  });

  it("allows http to 127.0.0.1 and localhost under local config only", async () => {
    const t = await seedTenant();
    expect((await createEndpoint(t, { url: "http://127.0.0.1:9999/hook" })).status).toBe(201);
    expect((await createEndpoint(t, { url: "http://localhost:9999/hook" })).status).toBe(201);
    expect((await createInProduction(t, "http://127.0.0.1:9999/hook")).status).toBe(400);
    expect((await createInProduction(t, "https://127.0.0.1:9999/hook")).status).toBe(400);
    expect((await createInProduction(t, "https://localhost/hook")).status).toBe(400);
    expect((await createInProduction(t, "https://hooks.example.com/x")).status).toBe(201);
  });

  it(`allows at most 20 endpoints per tenant`, async () => {
    const t = await seedTenant();
    for (let i = 0; i < 20; i++) {
      expect((await createEndpoint(t, { url: `https://hooks.example.com/${i}` })).status).toBe(201);
    }
    expect((await createEndpoint(t, { url: "https://hooks.example.com/21" })).status).toBe(400);
    await remove(t, (await list(t))[0]?.id ?? "");
    expect((await createEndpoint(t, { url: "https://hooks.example.com/21" })).status).toBe(201);
  });

  it("keeps the limit of 20 when 30 requests create endpoints at once, and after deletes", async () => {
    const t = await seedTenant();
    const created = async (n: number, prefix: string) => {
      const statuses = await Promise.all(
        Array.from(
          { length: n },
          async (_, i) =>
            (await createEndpoint(t, { url: `https://hooks.example.com/${prefix}${i}` })).status,
        ),
      );
      // Nothing but a 201 or the limit's 400: no 5xx from two statements racing for the last room.
      expect(statuses.filter((s) => s !== 201 && s !== 400)).toEqual([]);
      return statuses.filter((s) => s === 201).length;
    };
    expect(await created(30, "a")).toBe(20);
    expect(await list(t)).toHaveLength(20);
    const [first, second] = await list(t);
    // The same endpoint deleted by several requests at once gives its room back once: they are
    // made to wait together on its row, held by another statement until both wait (then cancelled,
    // which releases it), so the test does not depend on how fast the machine is.
    const marker = `endpoint_locker_${crypto.randomUUID().replaceAll("-", "")}`;
    const locker = query<unknown>(
      `/* ${marker} */ WITH l AS (SELECT id FROM webhook_endpoints WHERE id = $1 FOR UPDATE) SELECT pg_sleep(15) FROM l`,
      [first?.id],
    );
    // Its cancellation is expected: handled from the start, so no rejection is ever unhandled.
    const lockerCancelled = expect(locker).rejects.toThrow(/cancel/);
    const lockerPid = await pidOf(marker);
    // (Two: a Worker keeps at most six connections open, and the locker and the checks need theirs.)
    const removals = [first, first].map((e) => remove(t, e?.id ?? ""));
    // Up to 10 s: on a loaded machine the two requests take a while to reach Postgres.
    const patient = { ...WAIT, timeout: 10_000 };
    await vi.waitFor(async () => expect(await blockedBy(lockerPid)).toBe(1), patient);
    await vi.waitFor(
      async () => expect(await waitingOnLocks("UPDATE webhook_endpoints e SET deleted_at")).toBe(2),
      patient,
    );
    await query("SELECT pg_cancel_backend($1)", [lockerPid]);
    await lockerCancelled;
    expect((await Promise.all(removals)).map((r) => r.status).sort()).toEqual([200, 404]);
    expect((await remove(t, second?.id ?? "")).status).toBe(200);
    // The count the limit is checked against is the tenant's live endpoints, in Postgres.
    const counted = async () =>
      (
        await query<{ n: number }>("SELECT webhook_endpoint_count AS n FROM tenants WHERE id = $1", [
          t.tenantId,
        ])
      )[0]?.n;
    expect(await counted()).toBe(18);
    expect(await created(10, "b")).toBe(2);
    expect(await list(t)).toHaveLength(20);
    expect(await counted()).toBe(20);
  });

  it("with an Idempotency-Key, a retry gets the first endpoint and secret back and registers nothing more", async () => {
    const t = await seedTenant();
    const register = (key: string, url: string) =>
      call("/api/public/webhook-endpoints", {
        method: "POST",
        headers: { "x-api-key": t.apiKey, "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify({ url }),
      });
    const first = await register("endpoint-1", "https://hooks.example.com/once");
    expect(first.status).toBe(201);
    const created = await first.text();
    await vi.waitFor(async () => {
      const again = await register("endpoint-1", "https://hooks.example.com/once");
      expect(again.status).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(await again.text()).toBe(created);
    });
    expect((await register("endpoint-1", "https://hooks.example.com/other")).status).toBe(422);
    expect((await list(t)).map((e) => e.url)).toEqual(["https://hooks.example.com/once"]);
  });

  it("at the limit, a keyed request claims nothing: its retry is processed once there is room", async () => {
    const t = await seedTenant();
    for (let i = 0; i < 20; i++) {
      expect((await createEndpoint(t, { url: `https://hooks.example.com/${i}` })).status).toBe(201);
    }
    const register = () =>
      call("/api/public/webhook-endpoints", {
        method: "POST",
        headers: { "x-api-key": t.apiKey, "content-type": "application/json", "idempotency-key": "full" },
        body: JSON.stringify({ url: "https://hooks.example.com/late" }),
      });
    expect((await register()).status).toBe(400);
    await remove(t, (await list(t))[0]?.id ?? "");
    const retried = await register();
    expect(retried.status).toBe(201);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("DELETE /api/public/webhook-endpoints/{id}", () => {
  it("removes the endpoint: unlisted, and its deliveries are gone from view", async () => {
    const t = await seedTenant();
    const { endpoint } = await registerHook(t);
    const res = await remove(t, endpoint.id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: endpoint.id, deleted: true });
    expect(await list(t)).toEqual([]);
    expect((await remove(t, endpoint.id)).status).toBe(404);
    const gone = await call(`/api/public/webhook-endpoints/${endpoint.id}/deliveries`, {
      headers: { "x-api-key": t.apiKey },
    });
    expect(gone.status).toBe(404);
  });

  it("a malformed id is a 404", async () => {
    const t = await seedTenant();
    expect((await remove(t, "not-a-uuid")).status).toBe(404);
  });
});

describe("tenant isolation", () => {
  it("another tenant's endpoint, deliveries and retries are 404s and stay untouched", async () => {
    const a = await seedTenant("tenant a");
    const b = await seedTenant("tenant b");
    const hookA = await registerHook(a);
    await registerHook(b);
    // A delivery of tenant a, to have an id to try.
    expect((await updateMetadata(a, { plan: "pro" })).status).toBe(200);
    const [delivery] = await waitFor(
      () => deliveries(a, hookA.endpoint.id),
      (d: EventDelivery[]) => d.length === 1,
    );
    const deliveryId = delivery?.id ?? "";

    expect((await list(b)).map((e) => e.id)).not.toContain(hookA.endpoint.id);
    const asB = { headers: { "x-api-key": b.apiKey } };
    expect((await call(`/api/public/webhook-endpoints/${hookA.endpoint.id}/deliveries`, asB)).status).toBe(
      404,
    );
    expect((await retry(b, hookA.endpoint.id, deliveryId)).status).toBe(404);
    // b's own endpoint with a's delivery id: still nothing of a's.
    const [ownB] = await list(b);
    expect((await retry(b, ownB?.id ?? "", deliveryId)).status).toBe(404);
    expect((await remove(b, hookA.endpoint.id)).status).toBe(404);
    expect((await list(a)).map((e) => e.id)).toEqual([hookA.endpoint.id]);
  });

  it("a forged key is refused by every route (401)", async () => {
    const t = await seedTenant();
    const { endpoint } = await registerHook(t);
    const forged = { ...t, apiKey: tamperedKey(t.apiKey) };
    expect((await createEndpoint(forged, { url: "https://hooks.example.com/x" })).status).toBe(401);
    expect(
      (await call("/api/public/webhook-endpoints", { headers: { "x-api-key": forged.apiKey } })).status,
    ).toBe(401);
    expect((await remove(forged, endpoint.id)).status).toBe(401);
    expect(
      (
        await call(`/api/public/webhook-endpoints/${endpoint.id}/deliveries`, {
          headers: { "x-api-key": forged.apiKey },
        })
      ).status,
    ).toBe(401);
    expect((await retry(forged, endpoint.id, crypto.randomUUID())).status).toBe(401);
    expect(await list(t)).toHaveLength(1);
  });
});
