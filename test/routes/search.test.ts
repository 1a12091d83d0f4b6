import { beforeAll, describe, expect, it } from "vitest";
import { postJson, putField, seedTenant, type TenantFixture } from "../harness";
import { type Page, search, upsert } from "./read-side.helpers";

interface Found {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  metadata: Record<string, string>;
}

/** Contacts whose values sort one way as text and another as numbers or dates. */
const CONTACTS: [string, Record<string, string>][] = [
  [
    "A",
    {
      plan: "Pro",
      seats: "9",
      renewal: "2024-09-30",
      last_seen: "2024-05-01T23:30:00-05:00",
      code: "9",
      company: "Acme Labs",
    },
  ],
  [
    "B",
    {
      plan: "pro",
      seats: "10",
      renewal: "1 October 2024",
      last_seen: "2024-05-01T10:00:00Z",
      code: "10",
      company: "acme corp",
    },
  ],
  [
    "C",
    {
      plan: "Team",
      seats: "100",
      renewal: "2024-02-03",
      last_seen: "2024-04-30T12:00:00",
      code: "100",
      company: "Globex",
    },
  ],
  ["D", { plan: "Free", seats: "about 5", code: "x", company: "Initech" }],
  ["E", {}],
];

async function tenantWithContacts(): Promise<TenantFixture> {
  const t = await seedTenant("search tenant");
  for (const [key, body] of [
    ["plan", { type: "select", options: ["Free", "Team", "Pro"] }],
    ["seats", { type: "number" }],
    ["renewal", { label: "Renewal date", type: "date" }],
    ["last_seen", { type: "datetime" }],
    ["code", { type: "text" }],
    ["company_name", { label: "Company", type: "text" }],
  ] as const) {
    expect((await putField(t, key, body)).status).toBe(201);
  }
  for (const [name, metadata] of CONTACTS) {
    const res = await upsert(t.apiKey, { email: `${name.toLowerCase()}@example.com`, name, metadata });
    expect(res.status).toBe(201);
  }
  return t;
}

async function names(t: TenantFixture, filters: unknown[]): Promise<string[]> {
  const res = await search(t.apiKey, { filters, limit: 100 });
  expect(res.status, JSON.stringify(filters)).toBe(200);
  const page = await res.json<Page<Found>>();
  return page.data.map((c) => c.name ?? "?").sort();
}

describe("POST /api/public/contacts/search", () => {
  let t: TenantFixture;
  beforeAll(async () => {
    t = await tenantWithContacts();
    // Another tenant with the same fields and values: never in t's answers.
    await tenantWithContacts();
  }, 60_000);

  it("answers each contact with its metadata", async () => {
    const res = await search(t.apiKey, { filters: [{ key: "plan", op: "eq", value: "Pro" }] });
    expect(res.status).toBe(200);
    const page = await res.json<Page<Found>>();
    expect(page.next_cursor).toBeNull();
    const a = page.data.find((c) => c.name === "A");
    expect(a).toEqual({
      id: expect.any(String),
      name: "A",
      email: "a@example.com",
      phone: null,
      metadata: {
        plan: "Pro",
        seats: "9",
        renewal: "2024-09-30",
        last_seen: "2024-05-02T04:30:00.000Z",
        code: "9",
        company_name: "Acme Labs",
      },
    });
  });

  it("eq, neq, exists and not_exists, with keys and values as updates normalise them", async () => {
    expect(await names(t, [{ key: "PLAN", op: "eq", value: "pro" }])).toEqual(["A", "B"]);
    // neq is the complement of eq: contacts without the field match too.
    expect(await names(t, [{ key: "plan", op: "neq", value: "Pro" }])).toEqual(["Ada", "C", "D", "E"]);
    expect(await names(t, [{ key: "Renewal date", op: "exists" }])).toEqual(["A", "B", "C"]);
    expect(await names(t, [{ key: "renewal", op: "not_exists" }])).toEqual(["Ada", "D", "E"]);
    expect(await names(t, [{ key: "code", op: "eq", value: "10" }])).toEqual(["B"]);
    expect(await names(t, [{ key: "code", op: "eq", value: 10 }])).toEqual(["B"]);
  });

  it("contains and starts_with, case-insensitive", async () => {
    expect(await names(t, [{ key: "company", op: "contains", value: "ACME" }])).toEqual(["A", "B"]);
    expect(await names(t, [{ key: "company_name", op: "starts_with", value: "Acme C" }])).toEqual(["B"]);
    expect(await names(t, [{ key: "company_name", op: "contains", value: "%" }])).toEqual([]);
  });

  it("compares number fields as numbers: 9 < 10 < 100, whatever their text order", async () => {
    expect(await names(t, [{ key: "seats", op: "gt", value: "9" }])).toEqual(["B", "C"]);
    expect(await names(t, [{ key: "seats", op: "gte", value: 10 }])).toEqual(["B", "C"]);
    expect(await names(t, [{ key: "seats", op: "lt", value: "10" }])).toEqual(["A"]);
    expect(await names(t, [{ key: "Seats", op: "lte", value: "1e2" }])).toEqual(["A", "B", "C"]);
    expect(await names(t, [{ key: "seats", op: "eq", value: "10.0" }])).toEqual(["B"]);
    // A value stored as sent (it was not a number) is found by eq as sent, never by a comparison.
    expect(await names(t, [{ key: "seats", op: "eq", value: "about 5" }])).toEqual(["D"]);
    expect(await names(t, [{ key: "seats", op: "neq", value: 9 }])).toEqual(["Ada", "B", "C", "D", "E"]);
  });

  it("compares date and datetime fields as dates, whatever the spelling", async () => {
    expect(await names(t, [{ key: "renewal", op: "gt", value: "2024-09-30" }])).toEqual(["B"]);
    expect(await names(t, [{ key: "renewal", op: "lte", value: "30/09/2024" }])).toEqual(["A", "C"]);
    expect(await names(t, [{ key: "renewal", op: "lt", value: "2024-10-01" }])).toEqual(["A", "C"]);
    expect(await names(t, [{ key: "renewal", op: "eq", value: "2024/10/01" }])).toEqual(["B"]);
    // A's 23:30 at -05:00 is May 2 in UTC; C's wall-clock time compares as if UTC.
    expect(await names(t, [{ key: "last_seen", op: "gt", value: "2024-05-01T12:00:00Z" }])).toEqual(["A"]);
    expect(await names(t, [{ key: "last_seen", op: "gte", value: "2024-05-01" }])).toEqual(["A", "B"]);
    expect(await names(t, [{ key: "last_seen", op: "lt", value: "2024-05-01" }])).toEqual(["C"]);
    expect(await names(t, [{ key: "last_seen", op: "eq", value: "2024-05-01T12:00:00+02:00" }])).toEqual([
      "B",
    ]);
  });

  it("ANDs its filters", async () => {
    expect(
      await names(t, [
        { key: "plan", op: "eq", value: "Pro" },
        { key: "seats", op: "gt", value: 9 },
      ]),
    ).toEqual(["B"]);
    expect(
      await names(t, [
        { key: "company", op: "contains", value: "I" },
        { key: "renewal", op: "not_exists" },
        { key: "plan", op: "neq", value: "Team" },
      ]),
    ).toEqual(["D"]);
  });

  it("pages through every contact once, in id order, with an opaque cursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await search(t.apiKey, { filters: [], limit: 2, cursor });
      expect(res.status).toBe(200);
      const page: Page<Found> = await res.json<Page<Found>>();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(6);
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(6);
  });

  it("refuses gt on a text field, an unknown op, a malformed filter, a bad limit or cursor: 400 naming it", async () => {
    const cases: [unknown, string][] = [
      [
        { filters: [{ key: "code", op: "gt", value: "9" }] },
        'filters[0].op: gt compares numbers and dates, and "code" is a text field',
      ],
      [
        {
          filters: [
            { key: "plan", op: "eq", value: "Pro" },
            { key: "plan", op: "like", value: "P%" },
          ],
        },
        'filters[1].op: unknown op "like"',
      ],
      [{ filters: [{ key: "seats", op: "gt", value: "many" }] }, "filters[0].value"],
      [{ filters: [{ key: "plan", op: "eq" }] }, "filters[0].value"],
      [{ filters: { key: "plan" } }, "filters: expected an array"],
      [{ limit: 0 }, "limit"],
      [{ limit: 101 }, "limit"],
      [{ limit: "10" }, "limit"],
      [{ cursor: "not-a-cursor" }, "cursor"],
      [{ cursor: 5 }, "cursor"],
      [{ filter: [] }, "body"],
      ["[]", "body must be a JSON object"],
    ];
    for (const [body, message] of cases) {
      const res = await postJson("/api/public/contacts/search", t.apiKey, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json<{ error: { message: string } }>()).error.message).toContain(message);
    }
  });
});
