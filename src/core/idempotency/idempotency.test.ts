import { describe, expect, it } from "vitest";
import { decideEarlierClaim, isValidIdempotencyKey } from "./idempotency";

describe("isValidIdempotencyKey", () => {
  it("accepts 1-255 printable ASCII characters, nothing else", () => {
    expect(isValidIdempotencyKey("a")).toBe(true);
    expect(isValidIdempotencyKey("x".repeat(255))).toBe(true);
    expect(isValidIdempotencyKey(" ~!order 42/retry")).toBe(true);
    expect(isValidIdempotencyKey("")).toBe(false);
    expect(isValidIdempotencyKey("x".repeat(256))).toBe(false);
    expect(isValidIdempotencyKey("caf\u00e9")).toBe(false);
    expect(isValidIdempotencyKey("tab\there")).toBe(false);
    expect(isValidIdempotencyKey("nul\u0000")).toBe(false);
  });
});

describe("decideEarlierClaim", () => {
  const response = { status: 200, contentType: "application/json", body: "[]" };
  it("replays the stored answer to the same request", () => {
    expect(decideEarlierClaim({ requestHash: "h", response, settling: false }, "h")).toEqual({
      kind: "replay",
      response,
    });
  });
  it("refuses another request under the key, stored or not", () => {
    expect(decideEarlierClaim({ requestHash: "h", response, settling: false }, "other").kind).toBe("reused");
    expect(decideEarlierClaim({ requestHash: "h", response: null, settling: true }, "other").kind).toBe(
      "reused",
    );
  });
  it("asks to retry while the answer is being stored, and says it is lost after that", () => {
    expect(decideEarlierClaim({ requestHash: "h", response: null, settling: true }, "h")).toEqual({
      kind: "in_progress",
      retryAfterSeconds: 1,
    });
    expect(decideEarlierClaim({ requestHash: "h", response: null, settling: false }, "h").kind).toBe(
      "answer_lost",
    );
  });
});
