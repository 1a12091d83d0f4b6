/** Cloudflare Queues caps a message's delay at 12 hours: each wait must fit in one delayed message. */
export const MAX_DELAY_SECONDS = 12 * 60 * 60;

/**
 * Waits between attempts, after the first immediate one: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 10 h (the Standard Webhooks reference schedule). 8 attempts spread over 27.6 hours, so a
 * receiver that is down for a whole day still gets the event; then the delivery is failed.
 * Each wait fits one queue message delay (at most 12 h), so a retry is one delayed message.
 */
export const DEFAULT_RETRY_DELAYS_SECONDS: readonly number[] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];

/** What one attempt came to, before any decision. */
export type AttemptOutcome =
  | { kind: "response"; status: number; retryAfterSeconds?: number | undefined }
  | { kind: "timeout" }
  | { kind: "network" }
  /** The endpoint's URL fails the URL policy at send time: never dialled. */
  | { kind: "refused" };

export type NextStep =
  | { status: "delivered" }
  | { status: "pending"; delaySeconds: number }
  | { status: "failed" };

/**
 * 2xx delivers. 408, 429, 5xx, timeouts and network errors are the receiver's passing trouble:
 * retried. Any other 4xx (and a 3xx: redirects are not followed) says the request itself is
 * unwanted (gone, unauthorised, rejected), which the same body will not fix: failed at once, and
 * the tenant can resend it from the deliveries route after fixing their side.
 */
export function isRetryable(outcome: AttemptOutcome): boolean {
  switch (outcome.kind) {
    case "timeout":
    case "network":
      return true;
    case "refused":
      return false;
    case "response":
      return outcome.status === 408 || outcome.status === 429 || outcome.status >= 500;
  }
}

/**
 * `attemptsBefore` counts earlier attempts of the delivery (a manual resend after the schedule
 * ran out gets this one attempt only). A receiver's Retry-After longer than our wait is honoured.
 */
export function nextStep(
  attemptsBefore: number,
  outcome: AttemptOutcome,
  delays: readonly number[] = DEFAULT_RETRY_DELAYS_SECONDS,
): NextStep {
  if (outcome.kind === "response" && outcome.status >= 200 && outcome.status < 300) {
    return { status: "delivered" };
  }
  const wait = delays[attemptsBefore];
  if (!isRetryable(outcome) || wait === undefined) {
    return { status: "failed" };
  }
  const asked = outcome.kind === "response" ? (outcome.retryAfterSeconds ?? 0) : 0;
  return { status: "pending", delaySeconds: Math.min(Math.max(wait, asked), MAX_DELAY_SECONDS) };
}

/** `Retry-After` in seconds (the HTTP-date form is rare from webhook receivers and is ignored). */
export function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || !/^\d{1,9}$/.test(header.trim())) {
    return undefined;
  }
  return Number(header.trim());
}

/** `EVENTS_RETRY_DELAYS_SECONDS="1,1,1"` (tests, impatient demos); anything malformed keeps the default. */
export function parseRetryDelays(value: string | undefined): readonly number[] {
  if (!value) {
    return DEFAULT_RETRY_DELAYS_SECONDS;
  }
  const delays = value.split(",").map((v) => Number(v.trim()));
  return delays.length > 0 && delays.every((d) => Number.isInteger(d) && d >= 0 && d <= MAX_DELAY_SECONDS)
    ? delays
    : DEFAULT_RETRY_DELAYS_SECONDS;
}
