// Idempotency-Key on every write route (issue 15): what a client retrying blindly sees, and what
// Postgres holds afterwards.
import { describe, expect, it, vi } from "vitest";
import {
  activityRows,
  call,
  fieldMap,
  newApiKey,
  query,
  seedTenant,
  type TenantFixture,
  tamperedKey,
  updateMetadata,
} from "../harness";

const UPDATE = (t: TenantFixture, contactId = t.contactId) =>
  `/api/public/contact/${contactId}/update-metadata`;

function send(
  path: string,
  apiKey: string,
  key: string | undefined,
  body: unknown,
  method: "POST" | "PUT" = "POST",
): Promise<Response> {
  return call(path, {
    method,
    headers: {
      "x-api-key": apiKey,
      "content-type": "application/json",
      ...(key === undefined ? {} : { "idempotency-key": key }),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

interface ClaimRow {
  request_hash: string;
  response_status: number | null;
  response_body: string | null;
}

const claims = (apiKey: string) =>
  query<ClaimRow & { key: string }>(
    `SELECT k.key, k.request_hash, k.response_status, k.response_body FROM idempotency_keys k
     JOIN api_keys a ON a.id = k.api_key_id WHERE a.key_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
    [apiKey],
  );

/** The first answer is stored after it was sent: wait for it. */
async function stored(apiKey: string, key: string): Promise<ClaimRow> {
  let row: ClaimRow | undefined;
  await vi.waitFor(
    async () => {
      row = (await claims(apiKey)).find((c) => c.key === key);
      expect(row?.response_status).not.toBeNull();
    },
    { timeout: 10_000 },
  );
  return row as ClaimRow;
}

const snapshot = async (res: Response) => ({
  status: res.status,
  contentType: res.headers.get("content-type"),
  body: await res.text(),
});

const newKey = () => crypto.randomUUID();

describe("Idempotency-Key", () => {
  it("replays the first answer byte for byte, marked, and writes nothing the second time", async () => {
    const t = await seedTenant();
    const key = newKey();
    const first = await send(UPDATE(t), t.apiKey, key, { plan: "pro", seats: 12 });
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const original = await snapshot(first);
    expect(original.status).toBe(200);
    expect((await stored(t.apiKey, key)).response_body).toBe(original.body);
    // Someone else changes the field in between: the retry must not put "pro" back.
    expect((await updateMetadata(t, { plan: "free" })).status).toBe(200);

    const retry = await send(UPDATE(t), t.apiKey, key, { plan: "pro", seats: 12 });
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.headers.get("x-request-id")).not.toBeNull();
    expect(await snapshot(retry)).toEqual(original);
    expect(await fieldMap(t.contactId)).toEqual({ plan: "free", seats: "12" });
    expect(await activityRows(t.contactId)).toHaveLength(2);
  });

  it("answers 422 IDEMPOTENCY_KEY_REUSED for another body, path or method, and writes nothing", async () => {
    const t = await seedTenant();
    const key = newKey();
    expect((await send(UPDATE(t), t.apiKey, key, { plan: "pro" })).status).toBe(200);
    const reuses = [
      await send(UPDATE(t), t.apiKey, key, { plan: "enterprise" }),
      // Same JSON, other bytes: the hash is of the raw body.
      await send(UPDATE(t), t.apiKey, key, '{"plan":  "pro"}'),
      await send("/api/public/contact", t.apiKey, key, { name: "Grace" }),
      await send("/api/public/custom-fields/plan", t.apiKey, key, {}, "PUT"),
    ];
    for (const res of reuses) {
      expect(res.status).toBe(422);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    }
    expect(await fieldMap(t.contactId)).toEqual({ plan: "pro" });
    expect(await activityRows(t.contactId)).toHaveLength(1);
    const [contacts] = await query<{ n: string }>("SELECT count(*) AS n FROM contacts WHERE tenant_id = $1", [
      t.tenantId,
    ]);
    expect(contacts?.n).toBe("1");
  });

  it("writes once when 20 requests with one key arrive together; the others replay or get a 409 to retry", async () => {
    const t = await seedTenant();
    const key = newKey();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => send(UPDATE(t), t.apiKey, key, { burst: "once" })),
    );
    expect(await activityRows(t.contactId)).toHaveLength(1);
    const outcomes = await Promise.all(
      responses.map(async (res) => ({
        status: res.status,
        replayed: res.headers.get("idempotent-replayed") === "true",
        retryAfter: res.headers.get("retry-after"),
        body: await res.text(),
      })),
    );
    const fresh = outcomes.filter((o) => o.status === 200 && !o.replayed);
    expect(fresh).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 200) {
        expect(o.body).toBe(fresh[0]?.body);
      } else {
        expect(o.status).toBe(409);
        expect(o.retryAfter).toBe("1");
        expect(JSON.parse(o.body).error.code).toBe("IDEMPOTENCY_KEY_IN_USE");
      }
    }
    // Every loser's retry, once the answer is stored, is the first answer.
    await stored(t.apiKey, key);
    const retry = await send(UPDATE(t), t.apiKey, key, { burst: "once" });
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.text()).toBe(fresh[0]?.body);
    expect(await activityRows(t.contactId)).toHaveLength(1);
  });

  it("answers 409 with Retry-After while the first answer is not stored, and says so when it never will be", async () => {
    const t = await seedTenant();
    const key = newKey();
    expect((await send(UPDATE(t), t.apiKey, key, { a: "1" })).status).toBe(200);
    await stored(t.apiKey, key);
    // As if the answer had not been stored yet (it is stored right after it is sent).
    await query("UPDATE idempotency_keys SET response_status = NULL, response_body = NULL WHERE key = $1", [
      key,
    ]);
    const pending = await send(UPDATE(t), t.apiKey, key, { a: "1" });
    expect(pending.status).toBe(409);
    expect(pending.headers.get("retry-after")).toBe("1");
    // Ten seconds on, the answer is lost (the connection dropped after the commit): the request
    // was applied once, and a retry is told so instead of applying it twice.
    await query("UPDATE idempotency_keys SET claimed_at = now() - interval '1 minute' WHERE key = $1", [key]);
    const lost = await send(UPDATE(t), t.apiKey, key, { a: "1" });
    expect(lost.status).toBe(409);
    expect(lost.headers.get("retry-after")).toBeNull();
    const body = await lost.json<{ error: { code: string; details: unknown } }>();
    expect(body.error).toMatchObject({ code: "IDEMPOTENCY_KEY_IN_USE", details: { applied: true } });
    expect(await activityRows(t.contactId)).toHaveLength(1);
  });

  it("frees a key after 24 hours: the same key with another body is then processed", async () => {
    const t = await seedTenant();
    const key = newKey();
    expect((await send(UPDATE(t), t.apiKey, key, { day: "one" })).status).toBe(200);
    await stored(t.apiKey, key);
    await query(
      "UPDATE idempotency_keys SET claimed_at = now() - interval '24 hours 1 second' WHERE key = $1",
      [key],
    );
    const again = await send(UPDATE(t), t.apiKey, key, { day: "two" });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    expect(await fieldMap(t.contactId)).toEqual({ day: "two" });
    expect(await activityRows(t.contactId)).toHaveLength(2);
    // The key is claimed afresh: its new answer is what a retry gets now.
    const row = await stored(t.apiKey, key);
    expect(JSON.parse(row.response_body ?? "[]")[0].value).toBe("two");
    // 23 hours on, it is still held.
    await query("UPDATE idempotency_keys SET claimed_at = now() - interval '23 hours' WHERE key = $1", [key]);
    expect((await send(UPDATE(t), t.apiKey, key, { day: "three" })).status).toBe(422);
  });

  it("never claims for a refused request: 400 bad key, 401, 404 and 422 leave the key free", async () => {
    const t = await seedTenant();
    const missing = UPDATE(t, "7b0f3a52-1d7e-4c3b-9a0e-5f2d8c6b4a19");
    const tooLong = "k".repeat(256);
    const badKey = await send(UPDATE(t), t.apiKey, tooLong, { a: "1" });
    expect(badKey.status).toBe(400);
    expect((await badKey.json<{ error: { details: unknown } }>()).error.details).toEqual({
      header: "Idempotency-Key",
    });
    expect((await send(UPDATE(t), t.apiKey, "caf\u00e9", { a: "1" })).status).toBe(400);
    expect((await send(UPDATE(t), tamperedKey(t.apiKey), "k-401", { a: "1" })).status).toBe(401);
    expect((await send(missing, t.apiKey, "k-404", { a: "1" })).status).toBe(404);
    expect((await send(UPDATE(t), t.apiKey, "k-400", { "!!!": "1" })).status).toBe(400);
    await query("UPDATE tenants SET definition_limit = 0 WHERE id = $1", [t.tenantId]);
    expect((await send(UPDATE(t), t.apiKey, "k-422", { brand_new: "1" })).status).toBe(422);
    expect(await claims(t.apiKey)).toEqual([]);
    expect(await activityRows(t.contactId)).toHaveLength(0);
    // The same key, retried once the cause is gone, is processed.
    await query("UPDATE tenants SET definition_limit = 10000 WHERE id = $1", [t.tenantId]);
    const retried = await send(UPDATE(t), t.apiKey, "k-422", { brand_new: "1" });
    expect(retried.status).toBe(200);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(await fieldMap(t.contactId)).toEqual({ brand_new: "1" });
  });

  it("is scoped per API key: another key of the same tenant may use the same value", async () => {
    const t = await seedTenant();
    const second = await newApiKey(t.tenantId);
    expect((await send(UPDATE(t), t.apiKey, "shared", { n: "1" })).status).toBe(200);
    const other = await send(UPDATE(t), second, "shared", { n: "2" });
    expect(other.status).toBe(200);
    expect(other.headers.get("idempotent-replayed")).toBeNull();
    expect(await activityRows(t.contactId)).toHaveLength(2);
  });

  it("creates one contact however often POST /api/public/contact is retried", async () => {
    const t = await seedTenant();
    const key = newKey();
    const body = { name: "Grace", email: "grace@example.com", metadata: { plan: "pro" } };
    const first = await snapshot(await send("/api/public/contact", t.apiKey, key, body));
    expect(first.status).toBe(201);
    await stored(t.apiKey, key);
    const retry = await send("/api/public/contact", t.apiKey, key, body);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await snapshot(retry)).toEqual(first);
    const rows = await query<{ id: string }>(
      "SELECT id FROM contacts WHERE tenant_id = $1 AND name = 'Grace'",
      [t.tenantId],
    );
    expect(rows.map((r) => r.id)).toEqual([JSON.parse(first.body).id]);
  });

  it("replays bulk updates and custom-field PUTs (a PUT retry gets its 201 back)", async () => {
    const t = await seedTenant();
    const bulkKey = newKey();
    const items = { items: [{ aiContactId: t.contactId, metadata: { tier: "gold" } }] };
    const bulk = await snapshot(await send("/api/public/contacts/update-metadata", t.apiKey, bulkKey, items));
    await stored(t.apiKey, bulkKey);
    const bulkRetry = await send("/api/public/contacts/update-metadata", t.apiKey, bulkKey, items);
    expect(bulkRetry.headers.get("idempotent-replayed")).toBe("true");
    expect(await snapshot(bulkRetry)).toEqual(bulk);
    expect(await activityRows(t.contactId)).toHaveLength(1);

    const putKey = newKey();
    const created = await snapshot(
      await send("/api/public/custom-fields/score", t.apiKey, putKey, { type: "number" }, "PUT"),
    );
    expect(created.status).toBe(201);
    await stored(t.apiKey, putKey);
    const putRetry = await send(
      "/api/public/custom-fields/score",
      t.apiKey,
      putKey,
      { type: "number" },
      "PUT",
    );
    expect(putRetry.headers.get("idempotent-replayed")).toBe("true");
    expect(await snapshot(putRetry)).toEqual(created);
    const [version] = await query<{ v: string }>(
      "SELECT definitions_version AS v FROM tenants WHERE id = $1",
      [t.tenantId],
    );
    // Two changes to the ledger: "tier" (new, by the bulk update) and "score"; the replays made none.
    expect(Number(version?.v)).toBe(2);
    // Without a key, a PUT is simply applied again.
    expect(
      (await send("/api/public/custom-fields/score", t.apiKey, undefined, { type: "number" }, "PUT")).status,
    ).toBe(200);
  });
});
