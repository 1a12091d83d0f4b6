import { DomainError } from "../core/errors";
import type { Deps } from "./deps";
import type { Caller } from "./ports";
import { KNOWN_CALLER_MS } from "./verified-callers";

export const unauthenticated = (caller: Caller): DomainError =>
  new DomainError(
    "UNAUTHENTICATED",
    caller.via === "webhook" ? "unknown or revoked webhook URL" : "invalid or revoked API key",
  );

/**
 * Makes sure the database confirmed this credential within `withinMs`, asking it (one cheap
 * statement) only when this isolate has not. Called before tenant-sized work and before an LLM call.
 */
export async function ensureVerified(deps: Deps, caller: Caller, withinMs = KNOWN_CALLER_MS): Promise<void> {
  if (deps.isolate.verified.within(caller.keyHash, withinMs)) {
    return;
  }
  const check = await deps.callers.verify(caller);
  if (!check.ok) {
    throw unauthenticated(caller);
  }
  deps.isolate.verified.remember(caller.keyHash);
  // The same statement read the tenant's LLM spend: the budget check before a call needs no other.
  if (check.spend) {
    deps.isolate.spend.set(caller.tenantId, check.spend);
  }
}
