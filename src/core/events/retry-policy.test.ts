import { describe, expect, it } from "vitest";
import {
  type AttemptOutcome,
  DEFAULT_RETRY_DELAYS_SECONDS,
  isRetryable,
  nextStep,
  parseRetryAfter,
  parseRetryDelays,
} from "./retry-policy";

const status = (code: number, retryAfterSeconds?: number): AttemptOutcome => ({
  kind: "response",
  status: code,
  retryAfterSeconds,
});

describe("retry policy", () => {
  it("keeps retrying for at least 24 hours, each wait within one queue delay (12 h)", () => {
    const total = DEFAULT_RETRY_DELAYS_SECONDS.reduce((sum, d) => sum + d, 0);
    expect(total).toBeGreaterThanOrEqual(24 * 3600);
    expect(Math.max(...DEFAULT_RETRY_DELAYS_SECONDS)).toBeLessThanOrEqual(12 * 3600);
  });

  it("walks the schedule on retryable failures, then fails the delivery", () => {
    const steps = Array.from({ length: DEFAULT_RETRY_DELAYS_SECONDS.length + 1 }, (_, attempts) =>
      nextStep(attempts, status(503)),
    );
    expect(steps).toEqual([
      ...DEFAULT_RETRY_DELAYS_SECONDS.map((delaySeconds) => ({ status: "pending", delaySeconds })),
      { status: "failed" },
    ]);
  });

  it.each([
    [status(200), "delivered"],
    [status(204), "delivered"],
    [status(500), "pending"],
    [status(503), "pending"],
    [status(408), "pending"],
    [status(429), "pending"],
    [{ kind: "timeout" } as const, "pending"],
    [{ kind: "network" } as const, "pending"],
    [status(400), "failed"],
    [status(401), "failed"],
    [status(404), "failed"],
    [status(410), "failed"],
    [status(301), "failed"],
    [{ kind: "refused" } as const, "failed"],
  ])("%j on a first attempt: %s", (outcome, expected) => {
    expect(nextStep(0, outcome).status).toBe(expected);
  });

  it("honours a Retry-After longer than its own wait, up to the queue's 12 h", () => {
    expect(nextStep(0, status(429, 120))).toEqual({ status: "pending", delaySeconds: 120 });
    expect(nextStep(0, status(429, 1))).toEqual({ status: "pending", delaySeconds: 5 });
    expect(nextStep(0, status(503, 10 ** 6))).toEqual({ status: "pending", delaySeconds: 43_200 });
  });

  it("a manual resend after the schedule ran out is one attempt", () => {
    expect(nextStep(20, status(503))).toEqual({ status: "failed" });
    expect(nextStep(20, status(200))).toEqual({ status: "delivered" });
    expect(isRetryable(status(503))).toBe(true);
  });

  it("reads Retry-After seconds and the test schedule", () => {
    expect(parseRetryAfter("30")).toBe(30);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryDelays("1, 2,3")).toEqual([1, 2, 3]);
    expect(parseRetryDelays("1,x")).toBe(DEFAULT_RETRY_DELAYS_SECONDS);
    expect(parseRetryDelays(undefined)).toBe(DEFAULT_RETRY_DELAYS_SECONDS);
  });
});
