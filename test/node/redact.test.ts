import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { redactCredentials, redactingStream } from "../../scripts/lib/redact";
import { generateToken } from "../../src/core/auth/api-key";

describe("npm run dev's output redactor (issue 12.11)", () => {
  const tenant = "f519502e-3868-45a0-b40b-6fc427bb8a5a";

  it("cuts webhook tokens and API keys in wrangler's request lines to their visible prefix", () => {
    const webhook = generateToken("whk", tenant);
    const key = generateToken("cmk", tenant);
    const line = `[wrangler:info] POST /api/webhooks/${webhook.key} 404 Not Found (115ms) x-api-key ${key.key}`;
    const redacted = redactCredentials(line);
    expect(redacted).toBe(
      `[wrangler:info] POST /api/webhooks/${webhook.prefix}… 404 Not Found (115ms) x-api-key ${key.prefix}…`,
    );
    expect(redacted).not.toContain(webhook.key.slice(-24));
    expect(redacted).not.toContain(key.key.slice(-24));
  });

  it("redacts a token split across two writes of the child's output", async () => {
    const webhook = generateToken("whk", tenant);
    const line = `[wrangler:info] POST /api/webhooks/${webhook.key} 200 OK (12ms)\n`;
    const cut = line.indexOf(webhook.key) + 20;
    const out = await text(
      Readable.from([line.slice(0, cut), line.slice(cut), "tail without newline"]).pipe(redactingStream()),
    );
    expect(out).toBe(
      `[wrangler:info] POST /api/webhooks/${webhook.prefix}… 200 OK (12ms)\ntail without newline`,
    );
  });
});
