import { describe, expect, it } from "vitest";
import { generateApiKey, parseApiKey, prefixOf, sha256Hex } from "./api-key";

const tenantId = "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11";

describe("api keys", () => {
  it("carries the tenant id and stores only a hash and a short prefix", async () => {
    const made = await generateApiKey(tenantId);
    expect(made.key).toMatch(/^cmk_3f1c2b7e9a4d4c1e8f572b6d0c9e1a11_[A-Za-z0-9]{32}$/);
    expect(made.hash).toBe(await sha256Hex(made.key));
    expect(made.prefix).toBe(`cmk_${made.key.slice(-32, -24)}`);
    expect(prefixOf(made.key)).toBe(made.prefix);
    expect(await parseApiKey(made.key)).toEqual({ tenantId, hash: made.hash });
  });
  it("gives different secrets each time", async () => {
    const [a, b] = await Promise.all([generateApiKey(tenantId), generateApiKey(tenantId)]);
    expect(a.key).not.toBe(b.key);
  });
  it.each(["", "nope", `cmk_${"0".repeat(32)}_short`, `xx_${"0".repeat(32)}_${"a".repeat(32)}`])(
    "rejects %j without I/O",
    async (key) => {
      expect(await parseApiKey(key)).toBeNull();
    },
  );
});
