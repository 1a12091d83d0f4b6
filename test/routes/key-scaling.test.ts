// Issue 12.1: the work of one update grows linearly with its keys. Not timed: the statement's own
// plan (EXPLAIN ANALYZE, run on the real Postgres) must touch each input row a bounded number of
// times and keep no per-row copy of anything key-sized; the JS steps are run on thousands of keys
// that all fold into one field. The times themselves are the benchmark's `keys` row.
import { neon } from "@neondatabase/serverless";
import type { sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { createDatabase, toQuery } from "../../src/adapters/db/client";
import { createMetadataStore } from "../../src/adapters/db/metadata-store";
import { parseApiKey } from "../../src/core/auth/api-key";
import type { FieldWrite } from "../../src/core/metadata/plan-update";
import { fieldMap, seedTenant, updateMetadata } from "../harness";
import { seedDefinitions } from "../hostile";

interface PlanNode {
  "Node Type": string;
  "CTE Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Join Filter"?: number;
  "Sort Space Used"?: number;
  "Peak Memory Usage"?: number;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** The rows a node looked at over all its loops: a nested loop of input x input shows here as N x N. */
const rowsTouched = (n: PlanNode) =>
  (n["Actual Rows"] + (n["Rows Removed by Filter"] ?? 0) + (n["Rows Removed by Join Filter"] ?? 0)) *
  n["Actual Loops"];
/** kB a sort or hash held: a sort that carries a key-sized value on each of its N rows shows here. */
const memoryKb = (n: PlanNode) => n["Sort Space Used"] ?? n["Peak Memory Usage"] ?? 0;

const describeNode = (n: PlanNode) =>
  `${n["Node Type"]}${n["CTE Name"] ? ` (${n["CTE Name"]})` : ""}: ${rowsTouched(n)} rows, ${memoryKb(n)} kB`;

describe("the work of an update is linear in its keys", () => {
  it("the write statement's plan touches each of 2,000 keys a bounded number of times, with no key-sized copy per row", {
    timeout: 120_000,
  }, async () => {
    const N = 2_000;
    const t = await seedTenant();
    const keys = Array.from({ length: N }, (_, i) => `scale_${String(i).padStart(4, "0")}`);
    const ids = await seedDefinitions(t.tenantId, keys);
    const claim = parseApiKey(t.apiKey);
    if (!claim) {
      throw new Error("seeded key does not parse");
    }
    const caller = { tenantId: t.tenantId, keyHash: claim.hash, via: "api_key" as const };
    const writes = (round: number): FieldWrite[] =>
      keys.map((key, i) => ({
        key,
        definitionId: ids[i] ?? "",
        // The second round overwrites every value and clears one in ten: old values for all of them.
        value: round > 0 && i % 10 === 0 ? null : `value ${round} of ${key}`,
        sourceKey: key,
        matchedBy: "exact",
      }));

    const db = createDatabase(
      "postgresql://postgres:postgres@db.localtest.me:5432/app",
      inject("neonSqlEndpoint"),
    );
    const store = createMetadataStore(db);
    const first = await store.apply({
      caller,
      requestId: "scale-1",
      items: [{ contactId: t.contactId, writes: writes(0) }],
      newDefinitions: [],
      learnedAliases: [],
    });
    expect(first.status).toBe("ok");

    // The statement the Worker's stored statement runs, under EXPLAIN ANALYZE (so it really
    // executes), with both plans a connection may run it with (migrations/0010): a custom plan for
    // the arguments at hand (its first five calls), then perhaps a generic one, planned for any
    // arguments, which Postgres keeps when it costs no more. Forced here, one after the other.
    const neonSql = neon("postgresql://postgres:postgres@db.localtest.me:5432/app");
    for (const [round, mode] of [
      [1, "force_custom_plan"],
      [2, "force_generic_plan"],
    ] as const) {
      let plan: PlanNode | undefined;
      const explaining = {
        executeStored: async (statement: ReturnType<typeof sql>) => {
          const { sql: text, params } = toQuery(statement);
          const name = `scale_${crypto.randomUUID().replaceAll("-", "")}`;
          // EXECUTE takes no bound parameters: the arguments as literals, typed by the PREPARE.
          const args = params
            .map((p) => (p === null ? "NULL" : `'${String(p).replaceAll("'", "''")}'`))
            .join(", ");
          const [, , explained] = await neonSql.transaction([
            neonSql.query(`SET LOCAL plan_cache_mode = ${mode}`),
            neonSql.query(`PREPARE ${name} AS ${text}`),
            neonSql.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ${name}(${args})`),
            neonSql.query(`DEALLOCATE ${name}`),
          ]);
          const raw = (explained?.[0] as Record<string, unknown> | undefined)?.["QUERY PLAN"];
          plan = (typeof raw === "string" ? JSON.parse(raw) : raw)[0].Plan;
          // EXPLAIN answers with the plan, not the statement's row: the store's parse of it fails.
          throw new Error("explained");
        },
      } as unknown as typeof db;
      await expect(
        createMetadataStore(explaining).apply({
          caller,
          requestId: `scale-${round + 1}`,
          items: [{ contactId: t.contactId, writes: writes(round) }],
          newDefinitions: [],
          learnedAliases: [],
        }),
      ).rejects.toThrow("explained");
      if (!plan) {
        throw new Error(`no plan (${mode})`);
      }
      // A generic plan names its arguments ($1: the key hash); a custom one has their values in.
      expect(JSON.stringify(plan).includes("$1"), mode).toBe(mode === "force_generic_plan");
      const nodes = nodesOf(plan);
      // Every key really went through: N rows upserted or cleared.
      expect(Math.max(...nodes.map(rowsTouched)), mode).toBeGreaterThanOrEqual(N);
      const quadratic = nodes.filter((n) => rowsTouched(n) > 4 * N).map(describeNode);
      expect(quadratic, `${mode}: nodes touching more than 4 rows per key`).toEqual([]);
      // 1 kB per key is far more than any row of these sorts and hashes needs (a few hundred bytes).
      const heavy = nodes.filter((n) => memoryKb(n) > N).map(describeNode);
      expect(heavy, `${mode}: sorts or hashes holding more than 1 kB per key`).toEqual([]);
    }
  });

  it("16,384 keys that all convert to one field (fullwidth look-alikes) land in it once, the last winning", {
    timeout: 60_000,
  }, async () => {
    // Each key is `companynamexyz` with any of its 14 letters in fullwidth form: NFKC makes all
    // 2^14 one key. The list of losers is appended in place (normalizeEntries, foldByDefinition);
    // copied at each repetition it was n^2 / 2 element copies, which workerd's V8 still does in
    // well under a second at this size, so this case guards the outcome, not the time.
    const t = await seedTenant();
    const word = "companynamexyz";
    const body: Record<string, string> = {};
    for (let mask = 0; mask < 1 << word.length; mask++) {
      let key = "";
      for (let i = 0; i < word.length; i++) {
        key += (mask >> i) & 1 ? String.fromCharCode(word.charCodeAt(i) + 0xfee0) : word[i];
      }
      body[key] = `v${mask}`;
    }
    const res = await updateMetadata(t, body);
    expect(res.status).toBe(200);
    const fields = await res.json<{ key: string; value: string; warning?: string }[]>();
    expect(fields).toHaveLength(1);
    expect(fields[0]).toMatchObject({ key: word, value: `v${(1 << word.length) - 1}` });
    expect(fields[0]?.warning).toContain("the last one in the body was used");
    expect(await fieldMap(t.contactId)).toEqual({ [word]: `v${(1 << word.length) - 1}` });
  });
});
