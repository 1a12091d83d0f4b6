import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { NO_DATABASE, parseInvocation, runAdmin } from "../../scripts/lib/admin-cli";
import type { Query } from "../../scripts/lib/pg-query";
import { createApiKey } from "../../scripts/lib/tenants";
import { createWebhook } from "../../scripts/lib/webhooks";
import { findFreePort } from "../../scripts/local/node-http";
import { sha256Hex } from "../../src/core/auth/api-key";

const run = promisify(execFile);
const adminAt = (databaseUrl: string, ...args: string[]) =>
  run("node_modules/.bin/tsx", ["scripts/admin.ts", ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
const admin = (...args: string[]) => adminAt(inject("databaseUrl"), ...args);
/** A database URL where nothing listens: whatever must work without a database is run against it. */
const nowhere = async () => `postgresql://postgres:postgres@127.0.0.1:${await findFreePort()}/app`;

// Each case spawns tsx, about a second each and several on a loaded 2-core machine.
describe("npm run admin", { timeout: 60_000 }, () => {
  const db = new pg.Client({ connectionString: inject("databaseUrl") });
  beforeAll(() => db.connect());
  afterAll(() => db.end());

  it("creates a tenant and prints one JSON line with its id and key; only the hash is stored", async () => {
    const { stdout } = await admin("tenant", "create", "--name", "CLI tenant");
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0] ?? "") as { tenant_id: string; api_key: string };
    expect(out.api_key).toMatch(/^cmk_[0-9a-f]{32}_[A-Za-z0-9]{32}$/);
    const { rows } = await db.query(
      "SELECT t.name, k.key_hash, k.prefix FROM tenants t JOIN api_keys k ON k.tenant_id = t.id WHERE t.id = $1",
      [out.tenant_id],
    );
    expect(rows).toEqual([
      {
        name: "CLI tenant",
        key_hash: await sha256Hex(out.api_key),
        prefix: out.api_key.replace(/^cmk_[0-9a-f]{32}_(.{8}).*$/, "cmk_$1"),
      },
    ]);
    const { rows: leaked } = await db.query("SELECT 1 FROM api_keys WHERE key_hash = $1 OR prefix = $1", [
      out.api_key,
    ]);
    expect(leaked).toEqual([]);
  });

  it("creates another key for a tenant and revokes keys by key or by prefix", async () => {
    const { tenant_id, api_key } = JSON.parse(
      (await admin("tenant", "create", "--name", "two keys")).stdout,
    ) as {
      tenant_id: string;
      api_key: string;
    };
    const second = JSON.parse((await admin("key", "create", "--tenant", tenant_id)).stdout) as {
      api_key: string;
      prefix: string;
    };
    expect(second.api_key).not.toBe(api_key);

    expect(JSON.parse((await admin("key", "revoke", "--key", api_key)).stdout)).toEqual({
      revoked: [expect.any(String)],
    });
    expect(JSON.parse((await admin("key", "revoke", "--key", second.prefix)).stdout)).toEqual({
      revoked: [second.prefix],
    });
    const { rows } = await db.query(
      "SELECT count(*)::int AS live FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL",
      [tenant_id],
    );
    expect(rows[0]).toEqual({ live: 0 });
    await expect(admin("key", "revoke", "--key", second.prefix)).rejects.toMatchObject({
      stderr: expect.stringContaining("no live key"),
    });
  });

  it("creates, lists and revokes webhook URLs; only the token's hash is stored", async () => {
    const { tenant_id } = JSON.parse((await admin("tenant", "create", "--name", "hooks")).stdout) as {
      tenant_id: string;
    };
    const made = JSON.parse(
      (await admin("webhook", "create", "--tenant", tenant_id, "--signing-secret", "s3")).stdout,
    ) as {
      token: string;
      path: string;
      prefix: string;
      signed: boolean;
    };
    expect(made.path).toBe(`/api/webhooks/${made.token}`);
    expect(made.token).toMatch(/^whk_[0-9a-f]{32}_[A-Za-z0-9]{32}$/);
    expect(made.signed).toBe(true);
    const listed = (await admin("webhook", "list", "--tenant", tenant_id)).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(listed).toEqual([
      expect.objectContaining({ prefix: made.prefix, signed: true, revoked_at: null }),
    ]);
    const { rows } = await db.query("SELECT token_hash FROM webhooks WHERE tenant_id = $1", [tenant_id]);
    expect(rows).toEqual([{ token_hash: await sha256Hex(made.token) }]);
    expect(JSON.parse((await admin("webhook", "revoke", "--webhook", made.prefix)).stdout)).toEqual({
      revoked: [made.prefix],
    });
    const after = JSON.parse((await admin("webhook", "list", "--tenant", tenant_id)).stdout.trim()) as {
      revoked_at: string | null;
    };
    expect(after.revoked_at).not.toBeNull();
  });

  it("prints usage and exits 2 on a bad command", async () => {
    await expect(admin("tenant", "explode")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("usage"),
    });
  });

  it("prints usage on stdout and exits 0 for --help, -h and no arguments, without a database", async () => {
    const url = await nowhere();
    for (const args of [["--help"], ["-h"], [], ["key", "create", "--help"]]) {
      const { stdout, stderr } = await adminAt(url, ...args);
      expect(stdout, args.join(" ")).toContain("usage:");
      expect(stdout).toContain("webhook create --tenant <tenant id>");
      expect(stderr).toBe("");
    }
  });

  it("prints usage on stderr and exits 2 for an unknown command or option, without a database", async () => {
    const url = await nowhere();
    for (const args of [
      ["tenant", "explode"],
      ["frobnicate"],
      ["tenant", "create", "--nmae", "x"],
      ["key"],
    ]) {
      await expect(adminAt(url, ...args), args.join(" ")).rejects.toMatchObject({
        code: 2,
        stdout: "",
        stderr: expect.stringContaining("usage:"),
      });
    }
  });

  it("says how to get a database when none answers, instead of a socket error", async () => {
    const failure = adminAt(await nowhere(), "tenant", "create", "--name", "nobody home");
    await expect(failure).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("no database: start `npm run dev` or set DATABASE_URL"),
    });
    await expect(failure).rejects.toMatchObject({ stderr: expect.not.stringContaining("ECONNREFUSED") });
  });

  it("refuses a --tenant that is not a UUID, before storing anything", async () => {
    const { tenant_id } = JSON.parse((await admin("tenant", "create", "--name", "strict")).stdout) as {
      tenant_id: string;
    };
    // Postgres itself accepts these spellings of the same uuid; a key or token built from them is
    // malformed (its tenant part is not 32 hex digits) and its whole text would be stored as prefix.
    const spellings = [`{${tenant_id}}`, tenant_id.replaceAll("-", ""), "acme", ""];
    const commands = [
      ["key", "create"],
      ["webhook", "create"],
      ["webhook", "list"],
    ];
    // Every spelling and command through the parser (in-process: a spawn each would take minutes)...
    for (const tenant of spellings) {
      for (const command of commands) {
        expect(
          () => parseInvocation([...command, "--tenant", tenant]),
          `${command.join(" ")} ${tenant}`,
        ).toThrow(/--tenant must be a tenant id \(a UUID/);
      }
    }
    // ...and the CLI itself, against the database, for both kinds of credential.
    for (const [command, tenant] of [
      [["key", "create"], spellings[0]],
      [["webhook", "create"], spellings[1]],
    ] as const) {
      await expect(
        admin(...command, "--tenant", tenant ?? ""),
        `${command.join(" ")} ${tenant}`,
      ).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining("--tenant must be a tenant id (a UUID"),
      });
    }
    const { rows } = await db.query(
      `SELECT (SELECT count(*)::int FROM api_keys WHERE tenant_id = $1) AS keys,
              (SELECT count(*)::int FROM webhooks WHERE tenant_id = $1) AS hooks`,
      [tenant_id],
    );
    expect(rows[0]).toEqual({ keys: 1, hooks: 0 });
  });

  it("names an unknown tenant instead of printing a foreign-key violation", async () => {
    await expect(
      admin("key", "create", "--tenant", "00000000-0000-4000-8000-000000000000"),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("no tenant 00000000-0000-4000-8000-000000000000"),
    });
  });

  it("refuses an empty or blank --signing-secret instead of creating a webhook anyone can sign", async () => {
    const { tenant_id } = JSON.parse((await admin("tenant", "create", "--name", "secretive")).stdout) as {
      tenant_id: string;
    };
    for (const secret of ["", "   ", "\t"]) {
      await expect(
        admin("webhook", "create", "--tenant", tenant_id, "--signing-secret", secret),
        JSON.stringify(secret),
      ).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining("--signing-secret must not be blank"),
      });
    }
    const { rows } = await db.query("SELECT count(*)::int AS n FROM webhooks WHERE tenant_id = $1", [
      tenant_id,
    ]);
    expect(rows[0]).toEqual({ n: 0 });
  });

  it("says how to get a database when neither DATABASE_URL nor `npm run dev` names one", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin(["tenant", "create", "--name", "x"], {
      env: { DATABASE_URL: " " },
      devDatabaseUrl: () => undefined,
      stdout: (line) => out.push(line),
      stderr: (line) => err.push(line),
    });
    expect({ code, out, err }).toEqual({ code: 1, out: [], err: [`admin: ${NO_DATABASE}`] });
  });

  it("the key and webhook helpers themselves refuse a malformed tenant or blank secret, sending no SQL", async () => {
    const sent: string[] = [];
    const query: Query = async (text) => {
      sent.push(text);
      return [];
    };
    const tenant = "0b6f1c1e-5a4d-4c1a-9f0e-2d3c4b5a6978";
    await expect(createApiKey(query, `{${tenant}}`)).rejects.toThrow("not a tenant id");
    await expect(createWebhook(query, tenant.replaceAll("-", ""))).rejects.toThrow("not a tenant id");
    await expect(createWebhook(query, tenant, " ")).rejects.toThrow("must not be blank");
    expect(sent).toEqual([]);
  });
});
