// `npm run admin -- tenant set-limit` (issue 10), in Node as people run it: the limit the update
// and custom-fields statements enforce (their 422 is tested in test/routes/definitions-ledger.test.ts).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseInvocation, UsageError } from "../../scripts/lib/admin-cli";

const run = promisify(execFile);
const admin = (...args: string[]) =>
  run("node_modules/.bin/tsx", ["scripts/admin.ts", ...args], {
    env: { ...process.env, DATABASE_URL: inject("databaseUrl") },
  });

describe("npm run admin -- tenant set-limit", { timeout: 60_000 }, () => {
  const db = new pg.Client({ connectionString: inject("databaseUrl") });
  let tenantId = "";
  beforeAll(async () => {
    await db.connect();
    tenantId = (
      await db.query<{ id: string }>("INSERT INTO tenants (name) VALUES ('limit cli') RETURNING id")
    ).rows[0]?.id as string;
  });
  afterAll(() => db.end());

  it("refuses what is not a definition count before touching the database", () => {
    const tenant = "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11";
    for (const bad of ["-1", "1.5", "many", "1e4", "", "20001", "10000000"]) {
      expect(
        () => parseInvocation(["tenant", "set-limit", "--tenant", tenant, `--definitions=${bad}`]),
        bad,
      ).toThrow(UsageError);
    }
    expect(() => parseInvocation(["tenant", "set-limit", "--tenant", tenant])).toThrow(/needs --definitions/);
  });

  it("sets the limit, prints it with the current count, and names an unknown tenant", async () => {
    const limit = async () =>
      (await db.query("SELECT definition_limit AS l FROM tenants WHERE id = $1", [tenantId])).rows[0]?.l;
    expect(await limit()).toBe(10_000);
    const { stdout } = await admin("tenant", "set-limit", "--tenant", tenantId, "--definitions", "250");
    expect(JSON.parse(stdout)).toEqual({ tenant_id: tenantId, definition_limit: 250, definition_count: 0 });
    expect(await limit()).toBe(250);
    await expect(
      admin("tenant", "set-limit", "--tenant", "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11", "--definitions", "5"),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("no tenant") });
  });
});
