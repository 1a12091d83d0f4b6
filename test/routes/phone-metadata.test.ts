// libphonenumber-js's metadata is a static asset (not in the Worker's bundle), read through the
// ASSETS binding by the first request of an isolate that formats a phone number.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PHONE_METADATA_PATH } from "../../src/adapters/assets/phone-metadata";
import worker from "../../src/index";
import {
  activityRows,
  answer,
  call,
  fieldMap,
  llmCalls,
  putField,
  scriptLlm,
  seedTenant,
  type TenantFixture,
} from "../harness";
import { contactsOf } from "./read-side.helpers";

const putPhoneField = (t: TenantFixture) =>
  call("/api/public/custom-fields/phone", {
    method: "PUT",
    headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
    body: JSON.stringify({ label: "Teléfono", type: "phone" }),
  });

/** An env of its own (so an isolate state of its own) whose ASSETS counts reads of the metadata. */
function envWithAssets(fetchAsset: (request: Request) => Promise<Response>) {
  const reads: string[] = [];
  const assets = {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname === PHONE_METADATA_PATH) {
        reads.push(request.url);
      }
      return fetchAsset(request);
    },
  } as Fetcher;
  return { env: { ...env, ASSETS: assets }, reads };
}

/** The metadata as deployed, its reads counted. */
const readable = () => envWithAssets((request) => env.ASSETS.fetch(request));
/** Static assets that cannot be reached. */
const unreadable = () => envWithAssets(() => Promise.reject(new Error("assets unreachable")));

/** A tenant with a phone field the fake LLM maps the key `xyzzy_line` onto (no other stage knows it). */
async function llmMapsOntoPhone(): Promise<{ t: TenantFixture; token: string }> {
  const token = `tok_${crypto.randomUUID().replaceAll("-", "")}`;
  const t = await seedTenant();
  expect((await putField(t, "phone", { label: "Teléfono", type: "phone", description: token })).status).toBe(
    201,
  );
  await scriptLlm(token, [
    answer({ mappings: [{ key: "xyzzy_line", field: "phone", value: null }], extracted: [] }),
  ]);
  return { t, token };
}

async function post(bindings: typeof env, t: TenantFixture, path: string, body: unknown): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://api.test${path}`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

const update = (bindings: typeof env, t: TenantFixture, body: unknown) =>
  post(bindings, t, `/api/public/contact/${t.contactId}/update-metadata`, body);

describe("phone numbers with the metadata from the static assets", () => {
  it("formats a phone field's value to E.164", async () => {
    const t = await seedTenant();
    expect((await putPhoneField(t)).status).toBe(201);
    const res = await call(`/api/public/contact/${t.contactId}/update-metadata`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ Teléfono: "+34 612 34 56 78", mobile_note: "0034 612" }),
    });
    expect(res.status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({ phone: "+34612345678", mobile_note: "0034 612" });
  });

  it("reads the metadata only for a request that may format a phone number, then once per isolate", async () => {
    const t = await seedTenant();
    expect((await putPhoneField(t)).status).toBe(201);
    // Every key of the first request matches a field that is not a phone: nothing to read. (A key
    // left for the LLM could be mapped onto the phone field: such a request reads first.)
    expect((await putField(t, "company", { label: "Company" })).status).toBe(201);
    const { env: bindings, reads } = readable();

    expect((await update(bindings, t, { company: "Acme" })).status).toBe(200);
    expect(reads).toHaveLength(0);
    expect((await update(bindings, t, { phone: "+34 600 00 00 01" })).status).toBe(200);
    expect((await update(bindings, t, { phone: "+34 600 00 00 02" })).status).toBe(200);
    expect(reads).toHaveLength(1);
    expect(await fieldMap(t.contactId)).toEqual({ company: "Acme", phone: "+34600000002" });
  });

  it("answers 503 and writes nothing when the metadata cannot be read, and reads it again next time", async () => {
    const t = await seedTenant();
    expect((await putPhoneField(t)).status).toBe(201);
    let up = false;
    const { env: bindings, reads } = envWithAssets((request) =>
      up ? env.ASSETS.fetch(request) : Promise.reject(new Error("assets unreachable")),
    );

    const res = await update(bindings, t, { phone: "+34 600 00 00 01", company: "Acme" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("SERVICE_UNAVAILABLE");
    expect(await fieldMap(t.contactId)).toEqual({});
    expect(await activityRows(t.contactId)).toEqual([]);

    up = true;
    expect((await update(bindings, t, { phone: "+34 600 00 00 01" })).status).toBe(200);
    expect(reads).toHaveLength(2);
    expect(await fieldMap(t.contactId)).toEqual({ phone: "+34600000001" });
  });

  it("finds a contact by its phone field written another way (search eq compares E.164)", async () => {
    const t = await seedTenant();
    expect((await putPhoneField(t)).status).toBe(201);
    const { env: bindings, reads } = readable();
    expect((await update(bindings, t, { phone: "+34 612 34 56 78" })).status).toBe(200);

    const res = await post(bindings, t, "/api/public/contacts/search", {
      filters: [{ key: "Teléfono", op: "eq", value: "0034 612 345 678" }],
    });
    expect(res.status).toBe(200);
    expect((await res.json<{ data: { id: string }[] }>()).data.map((c) => c.id)).toEqual([t.contactId]);
    expect(reads).toHaveLength(1);
  });

  it("reads it to upsert by phone, and not to upsert by email", async () => {
    const t = await seedTenant();
    const { env: bindings, reads } = readable();
    const byEmail = await post(bindings, t, "/api/public/contacts/upsert", {
      email: "ada@example.com",
      metadata: { plan: "Pro" },
    });
    expect(byEmail.status).toBe(201);
    expect(reads).toHaveLength(0);

    const byPhone = await post(bindings, t, "/api/public/contacts/upsert", {
      phone: "0034 612 34 56 78",
      metadata: { plan: "Team" },
    });
    expect(byPhone.status).toBe(201);
    const created = await byPhone.json<{ id: string }>();
    expect((await contactsOf(t.tenantId)).find((c) => c.id === created.id)?.phone).toBe("+34612345678");
    expect(reads).toHaveLength(1);
  });

  it("reads nothing to clear a phone field (a clear formats nothing), even while the read fails", async () => {
    const t = await seedTenant();
    expect((await putPhoneField(t)).status).toBe(201);
    expect((await update(env, t, { phone: "+34 600 00 00 01" })).status).toBe(200);
    const { env: bindings, reads } = unreadable();

    expect((await update(bindings, t, { phone: null })).status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({});
    expect(reads).toHaveLength(0);
  });

  it("formats a value the LLM maps onto a phone field, after one read", async () => {
    const { t } = await llmMapsOntoPhone();
    const { env: bindings, reads } = readable();

    expect((await update(bindings, t, { xyzzy_line: "0034 612 34 56 78" })).status).toBe(200);
    expect(await fieldMap(t.contactId)).toEqual({ phone: "+34612345678" });
    expect(reads).toHaveLength(1);
  });

  it("reads before asking the LLM, so a failed read spends no LLM call", async () => {
    const { t, token } = await llmMapsOntoPhone();
    const { env: bindings } = unreadable();

    expect((await update(bindings, t, { xyzzy_line: "+34 612 34 56 78" })).status).toBe(503);
    expect(await llmCalls(token)).toHaveLength(0);
    expect(await fieldMap(t.contactId)).toEqual({});
  });
});
