// `npm run admin -- tenant set-llm-budget | tenant usage` (issue 15), in Node as people run it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const run = promisify(execFile);
const admin = (...args: string[]) =>
  run("node_modules/.bin/tsx", ["scripts/admin.ts", ...args], {
    env: { ...process.env, DATABASE_URL: inject("databaseUrl") },
  });

describe("npm run admin -- tenant set-llm-budget / usage", () => {
  const db = new pg.Client({ connectionString: inject("databaseUrl") });
  let tenantId = "";
  beforeAll(async () => {
    await db.connect();
    tenantId = (
      await db.query<{ id: string }>("INSERT INTO tenants (name) VALUES ('usage cli') RETURNING id")
    ).rows[0]?.id as string;
  });
  afterAll(() => db.end());

  it("sets and removes the monthly LLM token budget, refusing what is not a token count", async () => {
    const { stdout } = await admin("tenant", "set-llm-budget", "--tenant", tenantId, "--tokens", "250000");
    expect(JSON.parse(stdout)).toEqual({ tenant_id: tenantId, llm_token_budget: 250000 });
    const budget = async () =>
      (await db.query("SELECT llm_token_budget AS b FROM tenants WHERE id = $1", [tenantId])).rows[0]?.b;
    expect(await budget()).toBe("250000");
    for (const bad of ["-1", "1.5", "lots", "1e6"]) {
      await expect(
        admin("tenant", "set-llm-budget", "--tenant", tenantId, `--tokens=${bad}`),
      ).rejects.toMatchObject({
        stderr: expect.stringContaining("--tokens must be"),
      });
    }
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
      "INSERT INTO llm_spend_shards (tenant_id, month, shard, calls, tokens) VALUES ($1, '2026-11-01', 0, 1, 540), ($1, '2026-11-01', 5, 1, 320)",
      [tenantId],
    );
    await admin("tenant", "set-llm-budget", "--tenant", tenantId, "--tokens", "1000");
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
    await expect(admin("tenant", "usage", "--tenant", tenantId, "--month", "2026-13")).rejects.toMatchObject({
      stderr: expect.stringContaining("--month must be YYYY-MM"),
    });
  });
});
