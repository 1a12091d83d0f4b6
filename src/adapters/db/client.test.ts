// The database client without drizzle's neon-http session: statements render exactly as drizzle's
// own Postgres dialect renders them, and rows and errors come back as the adapters expect.
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core/dialect";
import { describe, expect, inject, it } from "vitest";
import { createDatabase, toQuery } from "./client";
import { authCte, jsonParam, run } from "./sql";

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
