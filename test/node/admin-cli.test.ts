import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sha256Hex } from "../../src/core/auth/api-key";

const run = promisify(execFile);
const admin = (...args: string[]) =>
  run("node_modules/.bin/tsx", ["scripts/admin.ts", ...args], {
    env: { ...process.env, DATABASE_URL: inject("databaseUrl") },
  });

describe("npm run admin", () => {
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
});
