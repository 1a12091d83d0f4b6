// `npm run admin -- tenant set-llm-budget | tenant usage` (issue 15), in Node as people run it.
// Malformed arguments go through the parser in-process; the CLI is spawned only for the real runs.
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

describe("npm run admin -- tenant set-llm-budget / usage", { timeout: 60_000 }, () => {
  const db = new pg.Client({ connectionString: inject("databaseUrl") });
  let tenantId = "";
  beforeAll(async () => {
    await db.connect();
    tenantId = (
      await db.query<{ id: string }>("INSERT INTO tenants (name) VALUES ('usage cli') RETURNING id")
    ).rows[0]?.id as string;
  });
  afterAll(() => db.end());

  it("refuses what is not a token count or a month before touching the database", () => {
    const tenant = "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11";
    for (const bad of ["-1", "1.5", "lots", "1e6", "", "9007199254740993000"]) {
      expect(
        () => parseInvocation(["tenant", "set-llm-budget", "--tenant", tenant, `--tokens=${bad}`]),
        bad,
      ).toThrow(UsageError);
    }
    for (const bad of ["2026-13", "2026-1", "Nov 2026", "2026-11-01"]) {
      expect(() => parseInvocation(["tenant", "usage", "--tenant", tenant, "--month", bad]), bad).toThrow(
        /--month must be YYYY-MM/,
      );
    }
    expect(parseInvocation(["tenant", "set-llm-budget", "--tenant", tenant, "--tokens", "none"])).toEqual({
      kind: "run",
      command: "tenant set-llm-budget",
      options: { tenant, tokens: "none" },
    });
  });

  it("sets and removes the monthly LLM token budget", async () => {
    const budget = async () =>
      (await db.query("SELECT llm_token_budget AS b FROM tenants WHERE id = $1", [tenantId])).rows[0]?.b;
    const { stdout } = await admin("tenant", "set-llm-budget", "--tenant", tenantId, "--tokens", "250000");
    expect(JSON.parse(stdout)).toEqual({ tenant_id: tenantId, llm_token_budget: 250000 });
    expect(await budget()).toBe("250000");
    await admin("tenant", "set-llm-budget", "--tenant", tenantId, "--tokens", "none");
    expect(await budget()).toBeNull();
  });

  it("prints a month: its days, totals and the month's LLM spend", async () => {
    await db.query(
      `INSERT INTO usage_events (tenant_id, day, request_id, requests, fields_written, contacts_created, llm_calls, prompt_tokens, completion_tokens)
       VALUES ($1, '2026-11-02', 'a', 1, 3, 1, 1, 500, 40), ($1, '2026-11-02', 'b', 1, 2, 0, 0, 0, 0),
              ($1, '2026-11-30', 'c', 1, 1, 0, 1, 300, 20), ($1, '2026-12-01', 'd', 1, 9, 0, 0, 0, 0),
              ($1, '2026-10-31', 'e', 1, 9, 0, 0, 0, 0)`,
      [tenantId],
    );
    await db.query(
      `INSERT INTO llm_spend_shards (tenant_id, month, shard, calls, tokens) VALUES
        ($1, '2026-11-01', 0, 1, 540), ($1, '2026-11-01', 5, 1, 320), ($1, '2026-10-01', 0, 7, 9999)`,
      [tenantId],
    );
    await db.query("UPDATE tenants SET llm_token_budget = 1000 WHERE id = $1", [tenantId]);
    const { stdout } = await admin("tenant", "usage", "--tenant", tenantId, "--month", "2026-11");
    expect(JSON.parse(stdout)).toEqual({
      tenant_id: tenantId,
      month: "2026-11",
      days: [
        {
          day: "2026-11-02",
          requests: 2,
          fields_written: 5,
          contacts_created: 1,
          llm_calls: 1,
          llm_prompt_tokens: 500,
          llm_completion_tokens: 40,
        },
        {
          day: "2026-11-30",
          requests: 1,
          fields_written: 1,
          contacts_created: 0,
          llm_calls: 1,
          llm_prompt_tokens: 300,
          llm_completion_tokens: 20,
        },
      ],
      totals: {
        requests: 3,
        fields_written: 6,
        contacts_created: 1,
        llm_calls: 2,
        llm_prompt_tokens: 800,
        llm_completion_tokens: 60,
      },
      llm_token_budget: 1000,
      llm_tokens_spent: 860,
    });
  });
});
