// Thousands of generated bodies against the real Worker: never a 500, always the one error body,
// and nothing written by a rejected request.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call, query, seedTenant, type TenantFixture } from "../harness";

const ALLOWED = new Set([200, 400, 413, 415]);

/** A fresh tenant every 100 requests keeps each key under its rate limit and each KV record small. */
function tenants() {
  let current: TenantFixture | undefined;
  let used = 0;
  return async () => {
    if (!current || used++ >= 100) {
      current = await seedTenant("property");
      used = 1;
    }
    return current;
  };
}

/** The contact's values and activity count, in one query so thousands of runs stay fast. */
async function snapshot(t: TenantFixture) {
  const [row] = await query<{ fields: unknown; activities: string }>(
    `SELECT (SELECT coalesce(jsonb_object_agg(key, value), '{}') FROM contact_field_values WHERE contact_id = $1) AS fields,
            (SELECT count(*) FROM contact_activities WHERE contact_id = $1) AS activities`,
    [t.contactId],
  );
  return row;
}

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(",");

async function send(t: TenantFixture, body: string | Uint8Array, contentType: string | undefined) {
  return call(`/api/public/contact/${t.contactId}/update-metadata`, {
    method: "POST",
    headers: { "x-api-key": t.apiKey, ...(contentType ? { "content-type": contentType } : {}) },
    body,
  });
}

async function check(tenant: () => Promise<TenantFixture>, body: string | Uint8Array, contentType?: string) {
  const t = await tenant();
  const before = await snapshot(t);
  const res = await send(t, body, contentType);
  const text = await res.text();
  expect(
    ALLOWED,
    `status ${res.status} for ${JSON.stringify(String(body).slice(0, 200))}: ${text}`,
  ).toContain(res.status);
  expect(res.headers.get("x-request-id")).toBeTruthy();
  if (res.status !== 200) {
    const parsed = JSON.parse(text) as { error: { code: string; message: string }; request_id: string };
    expect(Object.keys(parsed).sort()).toEqual(["error", "request_id"]);
    expect(parsed.error.message.length).toBeGreaterThan(0);
    expect(await snapshot(t)).toEqual(before);
  }
}

const anyKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "",
    "!!!",
    "a\u0000b",
    "\ud800",
    "Teléfono",
    "k".repeat(300),
  ),
);

/** Values as JSON source text, so numbers beyond 2^53 and exotic strings survive generation. */
const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(
      "null",
      "true",
      "false",
      "0",
      "-0.0",
      "1e400",
      "12345678901234567890123",
      '"\\u0000"',
      '"\\ud800"',
    ),
    fc.bigInt().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    fc.string({ unit: "binary", maxLength: 40 }).map((s) => JSON.stringify(s)),
    fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
    fc
      .array(fc.tuple(anyKey, tie("value")), { maxLength: 4 })
      .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`),
  ),
})).value;

/** A JSON object body; duplicate keys are possible because it is built as text. */
const objectBody = fc
  .array(fc.tuple(anyKey, valueText), { maxLength: 8 })
  .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`);

const mangled = fc.oneof(
  objectBody.chain((body) => fc.nat({ max: Math.max(0, body.length - 1) }).map((cut) => body.slice(0, cut))),
  fc.nat({ max: 20_000 }).map((depth) => `{"deep":${"[".repeat(depth)}${"]".repeat(depth)}}`),
  fc.nat({ max: 20_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
  fc.constantFrom("", " ", "[]", "null", '"x"', "{", "}", '{"a":1,}', "{'a':1}", "\uFEFF{}"),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

describe("generated bad input never breaks the service", () => {
  it("JSON bodies: only 200/400/413/415, the error body, nothing written when refused", {
    timeout: 180_000,
  }, async () => {
    const tenant = tenants();
    const prototype = prototypeKeys();
    await fc.assert(
      fc.asyncProperty(fc.oneof(objectBody, mangled), async (body) => {
        await check(tenant, body, "application/json");
      }),
      { numRuns: 1200 },
    );
    expect(prototypeKeys()).toBe(prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("raw bytes and wrong, missing or lying content types", { timeout: 180_000 }, async () => {
    const tenant = tenants();
    const contentTypes = fc.constantFrom(
      undefined,
      "application/json",
      "application/x-www-form-urlencoded",
      "multipart/form-data",
      "multipart/form-data; boundary=zzz",
      "text/plain",
      "application/xml",
      "garbage",
      "application/json; charset=latin1",
    );
    const bytes = fc.uint8Array({ maxLength: 300 });
    const texts = fc.oneof(objectBody, mangled, fc.string({ unit: "binary", maxLength: 200 }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(bytes, texts), contentTypes, async (body, type) => {
        await check(tenant, body, type);
      }),
      { numRuns: 800 },
    );
  });
});
