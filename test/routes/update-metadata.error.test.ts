import { describe, expect, it } from "vitest";
import { revokeApiKey } from "../../scripts/lib/tenants";
import {
  activityRows,
  call,
  fieldMap,
  postJson,
  query,
  seedTenant,
  type TenantFixture,
  tamperedKey,
  updateMetadata,
} from "../harness";

const path = (t: TenantFixture, contactId = t.contactId) =>
  `/api/public/contact/${contactId}/update-metadata`;

/** Asserts the one error body shape and that its request_id is the response's x-request-id. */
async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = await res.json<{
    error: { code: string; message: string; details?: unknown };
    request_id: string;
  }>();
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.request_id).toBe(res.headers.get("x-request-id"));
  expect(Object.keys(body).sort()).toEqual(["error", "request_id"]);
  return body.error;
}

async function expectUntouched(t: TenantFixture) {
  expect(await fieldMap(t.contactId)).toEqual({ kept: "yes" });
  expect(await activityRows(t.contactId)).toHaveLength(1);
}

/** A tenant whose contact already holds one field and one activity row, to prove nothing changes. */
async function seededWithOneField() {
  const t = await seedTenant();
  expect((await updateMetadata(t, { kept: "yes" })).status).toBe(200);
  return t;
}

describe("400 bad request", () => {
  it.each([
    ["not JSON", '{"a": 1'],
    ["a JSON array", "[1, 2]"],
    ["a JSON string", '"hello"'],
    ["JSON null", "null"],
  ])("rejects a body that is %s", async (_, body) => {
    const t = await seededWithOneField();
    await expectError(await updateMetadata(t, body), 400, "BAD_REQUEST");
    await expectUntouched(t);
  });

  it.each([
    ["!!!", "!!!"],
    ["an empty key", ""],
    ["a 256-character key", "k".repeat(256)],
  ])("rejects %s and writes nothing of the request", async (_, badKey) => {
    const t = await seededWithOneField();
    const error = await expectError(
      await updateMetadata(t, { good: "x", [badKey]: "y" }),
      400,
      "BAD_REQUEST",
    );
    expect(error.message).toContain(JSON.stringify(badKey.slice(0, 64)));
    await expectUntouched(t);
  });

  it("rejects a multipart file part, naming it", async () => {
    const t = await seededWithOneField();
    const form = new FormData();
    form.append("name", "Ada");
    form.append("cv", new File(["%PDF"], "cv.pdf", { type: "application/pdf" }));
    const res = await call(path(t), { method: "POST", headers: { "x-api-key": t.apiKey }, body: form });
    const error = await expectError(res, 400, "BAD_REQUEST");
    expect(error.message).toContain('"cv"');
    expect(error.details).toEqual({ file_fields: ["cv"] });
    await expectUntouched(t);
  });

  it("rejects a malformed multipart body", async () => {
    const t = await seededWithOneField();
    const res = await call(path(t), {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "multipart/form-data; boundary=xyz" },
      body: '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nno closing boundary',
    });
    await expectError(res, 400, "BAD_REQUEST");
    await expectUntouched(t);
  });
});

describe("401 unauthorized", () => {
  it("refuses a request without a key", async () => {
    const t = await seededWithOneField();
    await expectError(await postJson(path(t), undefined, { a: "1" }), 401, "UNAUTHORIZED");
    await expectUntouched(t);
  });

  it.each([
    ["garbage", "not-a-key"],
    ["a well-formed key nobody issued", `cmk_${"0".repeat(32)}_${"A".repeat(32)}`],
  ])("refuses %s", async (_, key) => {
    const t = await seededWithOneField();
    await expectError(await postJson(path(t), key, { a: "1" }), 401, "UNAUTHORIZED");
    await expectUntouched(t);
  });

  it("refuses a key that claims the right tenant but has the wrong secret", async () => {
    const t = await seededWithOneField();
    const forged = tamperedKey(t.apiKey);
    await expectError(await postJson(path(t), forged, { a: "1" }), 401, "UNAUTHORIZED");
    await expectUntouched(t);
  });

  it("refuses a revoked key at once", async () => {
    const t = await seededWithOneField();
    await revokeApiKey(query, t.apiKey);
    await expectError(await updateMetadata(t, { a: "1" }), 401, "UNAUTHORIZED");
    await expectUntouched(t);
  });
});

describe("404 not found", () => {
  it("does not find a contact that does not exist", async () => {
    const t = await seededWithOneField();
    const res = await postJson(path(t, "7b0f3a52-1d7e-4c3b-9a0e-5f2d8c6b4a19"), t.apiKey, { a: "1" });
    await expectError(res, 404, "NOT_FOUND");
    await expectUntouched(t);
  });

  it("treats a contact id that is not a UUID as not found", async () => {
    const t = await seedTenant();
    await expectError(await postJson(path(t, "not-a-uuid"), t.apiKey, { a: "1" }), 404, "NOT_FOUND");
  });

  it("answers another tenant's contact exactly like a missing one, and changes nothing", async () => {
    const owner = await seededWithOneField();
    const intruder = await seedTenant("intruder");
    const foreign = await postJson(path(owner), intruder.apiKey, { kept: "hijacked", extra: "x" });
    const missing = await postJson(path(intruder, "7b0f3a52-1d7e-4c3b-9a0e-5f2d8c6b4a19"), intruder.apiKey, {
      a: "1",
    });
    const a = await expectError(foreign, 404, "NOT_FOUND");
    const b = await expectError(missing, 404, "NOT_FOUND");
    expect(a.message.replace(owner.contactId, "ID")).toBe(
      b.message.replace("7b0f3a52-1d7e-4c3b-9a0e-5f2d8c6b4a19", "ID"),
    );
    await expectUntouched(owner);
  });
});

describe("413 payload too large", () => {
  const MiB = 1024 * 1024;
  const bodyOfSize = (size: number) => {
    const head = '{"blob": "';
    const tail = '"}';
    return head + "x".repeat(size - head.length - tail.length) + tail;
  };

  it("accepts a body of exactly 1 MiB", async () => {
    const t = await seedTenant();
    const res = await updateMetadata(t, bodyOfSize(MiB));
    expect(res.status).toBe(200);
    expect((await fieldMap(t.contactId)).blob).toHaveLength(MiB - 12);
  });

  it("refuses 1 MiB + 1 byte", async () => {
    const t = await seededWithOneField();
    await expectError(await updateMetadata(t, bodyOfSize(MiB + 1)), 413, "PAYLOAD_TOO_LARGE");
    await expectUntouched(t);
  });

  it("refuses a streamed body without Content-Length once it passes 1 MiB", async () => {
    const t = await seededWithOneField();
    let sent = 0;
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far more than 1 MiB would follow: the limit must stop reading, not buffer it all.
        if (sent === 0) {
          controller.enqueue(new TextEncoder().encode('{"a": "'));
        }
        sent += chunk.length;
        controller.enqueue(chunk);
        if (sent > 64 * MiB) {
          controller.close();
        }
      },
    });
    const res = await call(path(t), {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
      body: stream,
      // @ts-expect-error: workerd's RequestInit needs this for a streamed body
      duplex: "half",
    });
    await expectError(res, 413, "PAYLOAD_TOO_LARGE");
    expect(sent).toBeLessThan(8 * MiB);
    await expectUntouched(t);
  });
});

describe("415 unsupported media type", () => {
  it.each(["text/plain", "application/xml"])("refuses %s", async (type) => {
    const t = await seededWithOneField();
    const res = await call(path(t), {
      method: "POST",
      headers: { "x-api-key": t.apiKey, "content-type": type },
      body: "a=1",
    });
    const error = await expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(error.message).toContain(type);
    await expectUntouched(t);
  });
});

describe("500 internal error", () => {
  it("rolls back everything when the database fails mid-request, and leaks no internals", async () => {
    const t = await seededWithOneField();
    // A real failure inside the statement: a trigger that raises on one row, after others were written.
    await query(`CREATE OR REPLACE FUNCTION fail_on_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.value = 'BOOM-trigger-value' THEN RAISE EXCEPTION 'forced failure in table contact_field_values'; END IF; RETURN NEW; END $$`);
    await query(`CREATE OR REPLACE TRIGGER fail_on_boom BEFORE INSERT OR UPDATE ON contact_field_values
      FOR EACH ROW EXECUTE FUNCTION fail_on_boom()`);
    const res = await updateMetadata(t, {
      first: "written?",
      kept: "changed?",
      boom: "BOOM-trigger-value",
      last: "x",
    });
    const error = await expectError(res, 500, "INTERNAL_SERVER_ERROR");
    expect(error.message).toBe("internal server error");
    expect(JSON.stringify(error)).not.toMatch(/contact_field_values|trigger|forced|postgres/i);
    await expectUntouched(t);
  });
});
