// Thousands of generated requests against the real Worker, on every route: never a 500, always the
// one error body, nothing written by a refused request, and no prototype pollution. The routes are
// split over three test files (*.property.test.ts) so that they run side by side.
import fc from "fast-check";
import { expect, it } from "vitest";
import { createWebhook } from "../../scripts/lib/webhooks";
import { SEARCH_OPS } from "../../src/core/search/filters";
import { call, query, seedContact, seedTenant, type TenantFixture } from "../harness";

// 405: an empty generated segment makes another path (PUT or DELETE /api/public/custom-fields/
// is the collection, which answers GET only).
const ALLOWED = new Set([200, 201, 400, 401, 404, 405, 409, 413, 415, 422]);
const CODES = new Set([
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "DEFINITION_LIMIT_EXCEEDED",
  "METHOD_NOT_ALLOWED",
]);

/** A tenant with a second contact, a plain and a signed webhook and one definition with an alias. */
interface World extends TenantFixture {
  otherContactId: string;
  webhook: string;
  signedWebhook: string;
}

async function newWorld(): Promise<World> {
  const t = await seedTenant("property");
  const otherContactId = await seedContact(t.tenantId, "Other");
  const webhook = (await createWebhook(query, t.tenantId)).token;
  const signedWebhook = (await createWebhook(query, t.tenantId, "s3cret")).token;
  const put = await call("/api/public/custom-fields/company_name", {
    method: "PUT",
    headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
    body: JSON.stringify({ label: "Company", aliases: ["empresa"] }),
  });
  expect(put.status).toBe(201);
  return { ...t, otherContactId, webhook, signedWebhook };
}

/** A fresh tenant every 100 requests keeps each key under its rate limit and each ledger small. */
export function worlds() {
  let current: World | undefined;
  let used = 0;
  return async () => {
    if (!current || used++ >= 100) {
      current = await newWorld();
      used = 1;
    }
    return current;
  };
}

/**
 * Everything of the tenant a request could write, in one query so thousands of runs stay fast:
 * values, activity, contacts, definitions and their names, the version, webhook deliveries.
 */
async function snapshot(t: TenantFixture) {
  const [row] = await query<Record<string, unknown>>(
    `SELECT
       (SELECT coalesce(jsonb_agg(jsonb_build_array(contact_id, key, value) ORDER BY contact_id, key), '[]')
          FROM contact_field_values WHERE tenant_id = $1) AS fields,
       (SELECT count(*) FROM contact_activities WHERE tenant_id = $1) AS activities,
       (SELECT coalesce(jsonb_agg(jsonb_build_array(id, name, email, phone) ORDER BY id), '[]')
          FROM contacts WHERE tenant_id = $1) AS contacts,
       (SELECT coalesce(jsonb_agg(jsonb_build_array(id, key, label, type, description, options, deleted_at) ORDER BY id), '[]')
          FROM field_definitions WHERE tenant_id = $1) AS definitions,
       (SELECT coalesce(jsonb_agg(jsonb_build_array(name, definition_id, kind) ORDER BY name), '[]')
          FROM field_names WHERE tenant_id = $1) AS names,
       (SELECT jsonb_build_array(definitions_version, definition_count) FROM tenants WHERE id = $1) AS version,
       (SELECT count(*) FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.tenant_id = $1)
          AS deliveries,
       (SELECT count(*) FROM webhook_endpoints WHERE tenant_id = $1 AND deleted_at IS NULL) AS endpoints`,
    [t.tenantId],
  );
  return row;
}

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(",");
const PROTOTYPE = prototypeKeys();

/** No request may reach the global prototypes, whatever it sent (see the `polluted` payloads below). */
function expectUnpolluted() {
  expect(prototypeKeys()).toBe(PROTOTYPE);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

/** Sends one request; checks the status, the error body, that a refusal wrote nothing, no pollution. */
export async function check(
  world: () => Promise<World>,
  build: (w: World) => { path: string; init: RequestInit },
): Promise<number> {
  const w = await world();
  const before = await snapshot(w);
  const { path, init } = build(w);
  const res = await call(path, init);
  const text = await res.text();
  const shown = `${init.method ?? "GET"} ${path.slice(0, 200)} ${String(init.body ?? "").slice(0, 200)}`;
  expect(ALLOWED, `status ${res.status} for ${shown}: ${text.slice(0, 500)}`).toContain(res.status);
  expect(res.headers.get("x-request-id")).toBeTruthy();
  expectUnpolluted();
  if (res.status >= 400) {
    const parsed = JSON.parse(text) as { error: { code: string; message: string }; request_id: string };
    expect(Object.keys(parsed).sort(), shown).toEqual(["error", "request_id"]);
    expect(CODES, shown).toContain(parsed.error.code);
    expect(parsed.error.message.length).toBeGreaterThan(0);
    expect(parsed.request_id).toBe(res.headers.get("x-request-id"));
    expect(await snapshot(w), `${res.status} wrote something: ${shown}`).toEqual(before);
  }
  return res.status;
}

const anyKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "polluted",
    "",
    "!!!",
    "a\u0000b",
    "\ud800",
    "Teléfono",
    "сompany_name",
    "ｃｏｍｐａｎｙ＿ｎａｍｅ",
    "k".repeat(300),
    // One character NFKC turns into 18: 255 of them are a 4,590-character canonical key.
    "\ufdfa".repeat(255),
    "aB".repeat(127),
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
      // What a naive deep merge of the body would turn into Object.prototype.polluted.
      '{"__proto__": {"polluted": "yes"}}',
      '{"constructor": {"prototype": {"polluted": "yes"}}}',
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

const objectText = (pairs: readonly (readonly [string, string])[]) =>
  `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;

/** A JSON object of some of these members (each arbitrary gives its value's JSON text). */
const someMembers = (members: Record<string, fc.Arbitrary<string>>) =>
  fc
    .record(members, { requiredKeys: [] })
    .map((fields) =>
      objectText(Object.entries(fields).flatMap(([k, v]) => (v === undefined ? [] : [[k, v] as const]))),
    );

/** A JSON object body; duplicate keys are possible because it is built as text. */
export const objectBody = fc.array(fc.tuple(anyKey, valueText), { maxLength: 8 }).map(objectText);

export const mangled = fc.oneof(
  objectBody.chain((body) => fc.nat({ max: Math.max(0, body.length - 1) }).map((cut) => body.slice(0, cut))),
  fc.nat({ max: 20_000 }).map((depth) => `{"deep":${"[".repeat(depth)}${"]".repeat(depth)}}`),
  fc.nat({ max: 20_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
  fc.constantFrom(
    "",
    " ",
    "[]",
    "null",
    '"x"',
    "96707",
    "{",
    "}",
    '{"a":1,}',
    "{'a':1}",
    "\uFEFF{}",
    '{"__proto__": {"polluted": "yes"}}',
    '{"metadata": {"__proto__": {"polluted": "yes"}}}',
    '{"constructor": {"prototype": {"polluted": "yes"}}}',
  ),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

const jsonText = fc.oneof(objectBody, mangled, valueText);

const CONTENT_TYPES = fc.constantFrom(
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

/** A body as JSON text, raw bytes or a mangled form, with any (or no, or a lying) content type. */
const anyBody = fc.tuple(
  fc.oneof(
    { weight: 3, arbitrary: jsonText },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(anyKey, fc.string({ maxLength: 10 })), { maxLength: 6 })
        .map((pairs) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&")),
    },
  ),
  fc.oneof(
    { weight: 3, arbitrary: fc.constant("application/json") },
    { weight: 2, arbitrary: CONTENT_TYPES },
  ),
);

/** A URL can only carry well-formed text: a lone surrogate is sent as U+FFFD, as a browser would. */
const enc = (text: string) => encodeURIComponent(text.toWellFormed());

/** A path segment: any text (encoded), or raw text a client should not send. */
const segment = fc.oneof(
  { weight: 4, arbitrary: anyKey.map((k) => enc(k)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "%",
      "%zz",
      "%C0%80",
      "..",
      "%00",
      "a%2Fb",
      "%F0%9F",
      "company_name",
      "empresa",
    ),
  },
);

/** A contact id: the tenant's own (any case), another of its contacts, someone else's, or junk. */
type IdChoice = "own" | "OWN" | "other" | string;
const contactChoice: fc.Arbitrary<IdChoice> = fc.oneof(
  fc.constantFrom("own", "OWN", "other"),
  fc.uuid(),
  anyKey,
);
const contactId = (w: World, choice: IdChoice) =>
  choice === "own"
    ? w.contactId
    : choice === "OWN"
      ? w.contactId.toUpperCase()
      : choice === "other"
        ? w.otherContactId
        : choice;

export const withBody = (
  method: string,
  path: string,
  headers: Record<string, string>,
  [body, contentType]: [string | Uint8Array, string | undefined],
) => ({
  path,
  init: { method, headers: { ...headers, ...(contentType ? { "content-type": contentType } : {}) }, body },
});

const bulkItems = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(contactChoice, fc.oneof(objectBody, valueText)) },
    { weight: 1, arbitrary: fc.tuple(fc.constant("junk"), jsonText) },
  ),
  { maxLength: 6 },
);

const putBody = fc
  .record(
    {
      label: fc.oneof(
        anyKey.map((k) => JSON.stringify(k)),
        valueText,
      ),
      type: fc.oneof(
        fc.constantFrom("text", "number", "boolean", "date", "datetime", "email", "phone", "url", "select"),
        fc.string({ maxLength: 8 }),
      ),
      description: fc.oneof(
        fc.string({ maxLength: 30 }).map((d) => JSON.stringify(d)),
        valueText,
      ),
      options: fc.oneof(
        fc.array(anyKey, { maxLength: 4 }).map((o) => JSON.stringify(o)),
        valueText,
      ),
      aliases: fc.oneof(
        fc.array(anyKey, { maxLength: 4 }).map((a) => JSON.stringify(a)),
        valueText,
      ),
      extra: valueText,
    },
    { requiredKeys: [] },
  )
  .map((fields) =>
    objectText(
      Object.entries(fields).map(([k, v]) => [k, k === "type" ? JSON.stringify(v) : String(v)] as const),
    ),
  );

const createBody = someMembers({
  name: fc.oneof(
    fc.string({ maxLength: 20 }).map((n) => JSON.stringify(n)),
    valueText,
  ),
  email: fc.oneof(
    fc.emailAddress().map((e) => JSON.stringify(e)),
    valueText,
  ),
  phone: valueText,
  metadata: fc.oneof(objectBody, valueText),
  extra: valueText,
});

/** Search bodies: filters of any shape, ops known and not, values of any type. */
const searchBody = someMembers({
  filters: fc.oneof(
    fc
      .array(
        someMembers({
          key: fc.oneof(
            anyKey.map((k) => JSON.stringify(k)),
            valueText,
          ),
          op: fc.oneof(
            fc.constantFrom(...SEARCH_OPS, "like").map((o) => JSON.stringify(o)),
            valueText,
          ),
          value: valueText,
        }),
        { maxLength: 4 },
      )
      .map((filters) => `[${filters.join(",")}]`),
    valueText,
  ),
  limit: valueText,
  cursor: valueText,
});

/** Webhook endpoint bodies: URLs public, private, malformed; events and fields of any shape. */
const endpointBody = someMembers({
  url: fc.oneof(
    fc
      .constantFrom(
        "https://hooks.example.com/a",
        "http://hooks.example.com/a",
        "https://127.0.0.1/x",
        "https://[::1]/x",
        "https://169.254.169.254/latest",
        "https://localhost/x",
        "ftp://x",
        "not a url",
      )
      .map((u) => JSON.stringify(u)),
    valueText,
  ),
  events: valueText,
  fields: valueText,
  description: valueText,
  extra: valueText,
});

export const apiKeyHeader = (w: World) => ({ "x-api-key": w.apiKey });

/** A generated JSON body POSTed to `path` with the world's API key. */
const jsonPostTo = (path: string) => (body: string) => (w: World) =>
  withBody("POST", path, apiKeyHeader(w), [body, "application/json"]);

/** Every route, each with the inputs a careless client or an attacker could send it. */
export const ROUTES: {
  route: string;
  runs: number;
  request: fc.Arbitrary<(w: World) => { path: string; init: RequestInit }>;
}[] = [
  {
    route: "POST update-metadata (any body, any content type)",
    runs: 200,
    request: fc.tuple(contactChoice, anyBody).map(
      ([id, body]) =>
        (w: World) =>
          withBody(
            "POST",
            `/api/public/contact/${enc(contactId(w, id))}/update-metadata`,
            apiKeyHeader(w),
            body,
          ),
    ),
  },
  {
    route: "POST contacts/update-metadata (bulk)",
    runs: 150,
    request: fc
      .tuple(bulkItems, fc.boolean(), fc.oneof(fc.constant<string | undefined>(undefined), jsonText))
      .map(([items, bare, raw]) => (w: World) => {
        const list = `[${items
          .map(([id, metadata]) =>
            id === "junk"
              ? metadata
              : `{"aiContactId":${JSON.stringify(contactId(w, id))},"metadata":${metadata}}`,
          )
          .join(",")}]`;
        const body = raw ?? (bare ? list : `{"items":${list}}`);
        return withBody("POST", "/api/public/contacts/update-metadata", apiKeyHeader(w), [
          body,
          "application/json",
        ]);
      }),
  },
  {
    route: "POST webhooks/{token} (plain and signed, any query and headers)",
    runs: 200,
    request: fc
      .record({
        signed: fc.boolean(),
        token: fc.oneof({ weight: 6, arbitrary: fc.constant("real") }, { weight: 1, arbitrary: segment }),
        query: fc.option(contactChoice),
        idempotencyKey: fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.constant("k".repeat(4000)))),
        signature: fc.option(fc.string({ maxLength: 80 })),
        body: anyBody,
      })
      .map((r) => (w: World) => {
        const token = r.token === "real" ? (r.signed ? w.signedWebhook : w.webhook) : r.token;
        const query = r.query === null ? "" : `?ai_contact_id=${enc(contactId(w, r.query))}`;
        const headers: Record<string, string> = {};
        if (r.idempotencyKey !== null) {
          headers["idempotency-key"] = r.idempotencyKey;
        }
        if (r.signature !== null) {
          headers["x-signature"] = r.signature;
        }
        return withBody("POST", `/api/webhooks/${token}${query}`, headers, r.body);
      }),
  },
  {
    route: "PUT custom-fields/{key}",
    runs: 180,
    request: fc
      .tuple(segment, fc.oneof({ weight: 3, arbitrary: putBody }, { weight: 1, arbitrary: jsonText }))
      .map(
        ([key, body]) =>
          (w: World) =>
            withBody("PUT", `/api/public/custom-fields/${key}`, apiKeyHeader(w), [body, "application/json"]),
      ),
  },
  {
    route: "DELETE custom-fields/{key}",
    runs: 100,
    request: segment.map((key) => (w: World) => ({
      path: `/api/public/custom-fields/${key}`,
      init: { method: "DELETE", headers: apiKeyHeader(w) },
    })),
  },
  {
    route: "DELETE custom-fields/{key}/aliases/{alias}",
    runs: 100,
    request: fc.tuple(segment, segment).map(([key, alias]) => (w: World) => ({
      path: `/api/public/custom-fields/${key}/aliases/${alias}`,
      init: { method: "DELETE", headers: apiKeyHeader(w) },
    })),
  },
  {
    route: "POST contact (create)",
    runs: 150,
    request: fc
      .oneof({ weight: 3, arbitrary: createBody }, { weight: 2, arbitrary: jsonText })
      .map(jsonPostTo("/api/public/contact")),
  },
  {
    route: "POST contacts/upsert",
    runs: 120,
    request: fc
      .oneof({ weight: 3, arbitrary: createBody }, { weight: 1, arbitrary: jsonText })
      .map(jsonPostTo("/api/public/contacts/upsert")),
  },
  {
    route: "POST contacts/search",
    runs: 120,
    request: fc
      .oneof({ weight: 3, arbitrary: searchBody }, { weight: 1, arbitrary: jsonText })
      .map(jsonPostTo("/api/public/contacts/search")),
  },
  {
    route: "GET contact/{id}/activity and GET usage",
    runs: 100,
    request: fc
      .tuple(
        fc.oneof(
          contactChoice.map((c) => enc(c)),
          segment,
        ),
        segment,
        segment,
        segment,
        fc.boolean(),
      )
      .map(([id, a, b, c, usage]) => (w: World) => ({
        path: usage
          ? `/api/public/usage?from=${a}&to=${b}`
          : `/api/public/contact/${id === "own" ? w.contactId : id}/activity?limit=${a}&cursor=${b}&key=${c}`,
        init: { headers: apiKeyHeader(w) },
      })),
  },
  {
    route: "webhook endpoints: POST, DELETE, GET deliveries, POST retry",
    runs: 100,
    request: fc
      .tuple(fc.constantFrom("create", "delete", "deliveries", "retry"), endpointBody, segment, segment)
      .map(([op, body, id, delivery]) => (w: World) => {
        switch (op) {
          case "create":
            return jsonPostTo("/api/public/webhook-endpoints")(body)(w);
          case "delete":
            return {
              path: `/api/public/webhook-endpoints/${id}`,
              init: { method: "DELETE", headers: apiKeyHeader(w) },
            };
          case "deliveries":
            return {
              path: `/api/public/webhook-endpoints/${id}/deliveries?limit=${delivery}`,
              init: { headers: apiKeyHeader(w) },
            };
          default:
            return {
              path: `/api/public/webhook-endpoints/${id}/deliveries/${delivery}/retry`,
              init: { method: "POST", headers: apiKeyHeader(w) },
            };
        }
      }),
  },
  {
    route: "GET contact/{id}/info and GET custom-fields",
    runs: 100,
    request: fc
      .tuple(
        fc.oneof(
          contactChoice.map((c) => enc(c)),
          segment,
        ),
        fc.boolean(),
      )
      .map(([id, list]) => (w: World) => ({
        path: list
          ? `/api/public/custom-fields?${id}=${id}`
          : `/api/public/contact/${id === "own" ? w.contactId : id}/info`,
        init: { headers: apiKeyHeader(w) },
      })),
  },
];

/** Requests the generators above once found answered with a 500: each stays a fixed case. */
export const FOUND: { found: string; request: (w: World) => { path: string; init: RequestInit } }[] = [
  ...[
    '{"description":"\\u0000"}',
    '{"label":"a\\u0000"}',
    '{"label":"\\ud800"}',
    '{"type":"select","options":["\\u0000"]}',
    '{"aliases":["\\ud800x"]}',
    JSON.stringify({ aliases: ["\ufdfa".repeat(255)] }),
  ].map((body) => ({
    found: `PUT custom-fields ${body.slice(0, 40)}`,
    request: (w: World) =>
      withBody("PUT", "/api/public/custom-fields/x", apiKeyHeader(w), [body, "application/json"]),
  })),
  {
    found: "PUT custom-fields with a key 4,590 characters long once canonical",
    request: (w: World) =>
      withBody("PUT", `/api/public/custom-fields/${enc("\ufdfa".repeat(255))}`, apiKeyHeader(w), [
        "{}",
        "application/json",
      ]),
  },
  ...['{"name":"a\\u0000"}', '{"name":"\\ud800"}', '{"email":"\\u0000","metadata":{"a":"1"}}'].map(
    (body) => ({
      found: `POST contact ${body}`,
      request: (w: World) =>
        withBody("POST", "/api/public/contact", apiKeyHeader(w), [body, "application/json"]),
    }),
  ),
];

/** Which test file runs which routes (they run side by side); every route is in one group. */
export const GROUPS = {
  updates: ["POST update-metadata (any body, any content type)", "POST contacts/update-metadata (bulk)"],
  webhooks: ["POST webhooks/{token} (plain and signed, any query and headers)"],
  definitions: [
    "PUT custom-fields/{key}",
    "DELETE custom-fields/{key}",
    "DELETE custom-fields/{key}/aliases/{alias}",
    "POST contact (create)",
    "GET contact/{id}/info and GET custom-fields",
  ],
  readSide: [
    "POST contacts/upsert",
    "POST contacts/search",
    "GET contact/{id}/activity and GET usage",
    "webhook endpoints: POST, DELETE, GET deliveries, POST retry",
  ],
} as const;

/** Runs the generated requests of the named routes: each must exist in ROUTES. */
export function routesNeverBreak(names: readonly string[]): void {
  const routes = names.map((name) => {
    const route = ROUTES.find((r) => r.route === name);
    if (!route) {
      throw new Error(`no generated route named ${name}`);
    }
    return route;
  });
  it.each(routes)(
    "$route: only expected statuses, the error body, nothing written when refused",
    { timeout: 300_000 },
    async ({ request, runs }) => {
      const world = worlds();
      await fc.assert(
        fc.asyncProperty(request, async (build) => {
          await check(world, build);
        }),
        { numRuns: runs },
      );
    },
  );
}
