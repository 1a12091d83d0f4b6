// The database client without drizzle's neon-http session: statements render exactly as drizzle's
// own Postgres dialect renders them, and rows and errors come back as the adapters expect.
import { neonConfig } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core/dialect";
import { describe, expect, inject, it } from "vitest";
import { createDatabase, storedName, toQuery } from "./client";
import { authCte, jsonParam, Refused, run } from "./sql";

const db = createDatabase(
  "postgresql://postgres:postgres@db.localtest.me:5432/app",
  inject("neonSqlEndpoint"),
);

describe("the database client", () => {
  it("renders statements as drizzle's PgDialect does", () => {
    const dialect = new PgDialect();
    const caller = {
      tenantId: "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11",
      keyHash: "ab",
      via: "api_key",
    } as const;
    const statements = [
      sql`WITH ${authCte(caller)} SELECT * FROM auth WHERE x = ${"it's"} AND y IN ${[1, 2, 3]}`,
      sql`SELECT ${jsonParam([{ key: "a" }])}, ${sql.identifier('we"ird')}, ${sql.raw("1")}, ${null}`,
      sql`SELECT ${sql.join([sql`${1}`, sql`${"b"}`], sql`, `)}, ${sql`${2}`.inlineParams()}, ${sql`${"o'k"}`.inlineParams()}`,
    ];
    for (const statement of statements) {
      expect(toQuery(statement)).toEqual(dialect.sqlToQuery(statement));
    }
  });

  it("returns timestamps and dates as the text Postgres sent", async () => {
    const [row] = await run(
      db,
      sql`SELECT '2026-11-25 10:00:00.123+00'::timestamptz AS at, '2026-11-25'::date AS day, 1::int AS n`,
    );
    expect(row).toEqual({ at: "2026-11-25 10:00:00.123+00", day: "2026-11-25", n: 1 });
  });

  it("puts the Postgres error code on the cause, as drizzle's session did", async () => {
    const failed = await db.execute(sql`SELECT 1/0`).catch((err: unknown) => err);
    expect((failed as { cause?: { code?: string } }).cause?.code).toBe("22012");
  });
});

describe("stored statements (migrations/0010_stored_statements.sql)", () => {
  /** The HTTP requests the driver sends while `work` runs: their statements' text and params. */
  async function sentDuring<T>(work: () => Promise<T>): Promise<{ value: T; requests: SqlRequest[] }> {
    const requests: SqlRequest[] = [];
    const before = neonConfig.fetchFunction;
    neonConfig.fetchFunction = (url: string, init: RequestInit) => {
      requests.push(JSON.parse(String(init.body)) as SqlRequest);
      return fetch(url, init);
    };
    try {
      return { value: await work(), requests };
    } finally {
      neonConfig.fetchFunction = before;
    }
  }
  type SqlRequest =
    | { query: string; params: unknown[] }
    | { queries: { query: string; params: unknown[] }[] };
  const texts = (request: SqlRequest) =>
    ("queries" in request ? request.queries : [request]).map((q) => q.query);

  /** A statement text no earlier run has defined (the marker is part of the text, not a value). */
  const fresh = (marker = crypto.randomUUID()) =>
    sql`SELECT jsonb_build_object('sum', ${2}::int + ${3}::int, 'word', ${"it's"}::text) AS result /* ${sql.raw(marker)} */`;

  const exists = async (name: string) =>
    (await run(db, sql`SELECT to_regproc(${`stored.${name}`}) IS NOT NULL AS present`))[0]?.present;

  it("is defined by its first call in the same round trip; later calls send the call alone", async () => {
    const statement = fresh();
    const name = await storedName(toQuery(statement).sql);
    expect(await exists(name)).toBe(false);

    const first = await sentDuring(() => run(db, statement, "stored"));
    expect(first.value).toEqual([{ result: { sum: 5, word: "it's" } }]);
    expect(first.requests).toHaveLength(1);
    expect(texts(first.requests[0] as SqlRequest)).toEqual([
      "SELECT stored.define($1, $2)",
      `SELECT r AS result FROM stored.${name}($1, $2, $3) AS r`,
    ]);
    expect(await exists(name)).toBe(true);

    const second = await sentDuring(() => run(db, statement, "stored"));
    expect(second.value).toEqual(first.value);
    expect(second.requests.map(texts)).toEqual([[`SELECT r AS result FROM stored.${name}($1, $2, $3) AS r`]]);
    // The same text from another isolate (a new client) finds the function made by the first.
    const other = createDatabase(
      "postgresql://postgres:postgres@db.localtest.me:5432/app",
      inject("neonSqlEndpoint"),
    );
    expect(await run(other, statement, "stored")).toEqual(first.value);
  });

  it("is defined again, and answers, when its function was dropped since (a migration cleared it)", async () => {
    const statement = fresh();
    const name = await storedName(toQuery(statement).sql);
    await run(db, statement, "stored");
    await run(db, sql`DROP FUNCTION ${sql.raw(`stored.${name}`)}`);
    const again = await sentDuring(() => run(db, statement, "stored"));
    expect(again.value).toEqual([{ result: { sum: 5, word: "it's" } }]);
    // The call that found it gone, then the definition with the call.
    expect(again.requests.map(texts)).toEqual([
      [`SELECT r AS result FROM stored.${name}($1, $2, $3) AS r`],
      ["SELECT stored.define($1, $2)", `SELECT r AS result FROM stored.${name}($1, $2, $3) AS r`],
    ]);
    expect(await exists(name)).toBe(true);
  });

  it("is defined once when many isolates send a new text at the same moment", async () => {
    // The call sleeps, so the first definition stays uncommitted while the others try theirs:
    // they wait for it, find the name taken when it commits, and use it.
    const statement = sql`SELECT jsonb_build_object('sum', ${2}::int + ${3}::int, 'word', ${"it's"}::text,
      'slept', (SELECT 0.3 FROM pg_sleep(0.3))) AS result /* ${sql.raw(crypto.randomUUID())} */`;
    const isolates = Array.from({ length: 12 }, () =>
      createDatabase("postgresql://postgres:postgres@db.localtest.me:5432/app", inject("neonSqlEndpoint")),
    );
    const answers = await Promise.all(isolates.map((isolate) => run(isolate, statement, "stored")));
    expect(answers).toEqual(isolates.map(() => [{ result: { sum: 5, word: "it's", slept: 0.3 } }]));
  });

  it("refuses itself as a statement does, and its first definition goes back with it", async () => {
    const marker = crypto.randomUUID();
    const statement = sql`SELECT refuse(jsonb_build_object('code', 'NOPE', 'n', ${7}::int)) AS result /* ${sql.raw(marker)} */`;
    const name = await storedName(toQuery(statement).sql);
    const refused = await run(db, statement, "stored").catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(Refused);
    expect((refused as Refused).reason).toEqual({ code: "NOPE", n: 7 });
    expect(await exists(name)).toBe(false);
  });

  it("sends a statement of more than 100 parameters (a function's most) as it is", async () => {
    const many = Array.from({ length: 101 }, (_, i) => sql`${i}::int`);
    const statement = sql`SELECT to_jsonb(ARRAY[${sql.join(many, sql`, `)}]) AS result`;
    const sent = await sentDuring(() => run(db, statement, "stored"));
    expect(sent.value).toEqual([{ result: Array.from({ length: 101 }, (_, i) => i) }]);
    expect(sent.requests.map(texts)).toEqual([[toQuery(statement).sql]]);
  });

  it("refuses a statement of more than one column, and a name that is not a statement hash", async () => {
    const twoColumns = await run(db, sql`SELECT 1 AS result, 2 AS other`, "stored").catch(
      (err: unknown) => err,
    );
    expect(String((twoColumns as { cause?: unknown }).cause)).toContain("returns one column, not 2");
    const injected = await run(
      db,
      sql`SELECT stored.define(${"q_1; DROP TABLE tenants"}, ${"SELECT 1"})`,
    ).catch((err: unknown) => err);
    expect(String((injected as { cause?: unknown }).cause)).toContain("is named q_ and 32 hex digits");
  });
});
