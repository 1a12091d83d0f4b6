// Forcing a race in Postgres: a statement marked with a comment is found by its marker, and the
// backends waiting for its locks are counted, so a test can start a rival exactly while it waits.
import { expect, vi } from "vitest";
import { query } from "./harness";

/** How long a test waits for a backend to show up or to block. */
export const WAIT = { timeout: 4000, interval: 50 };

/** The backend running the statement whose text contains `marker` (e.g. in a comment). */
export async function pidOf(marker: string): Promise<number> {
  let pid = 0;
  await vi.waitFor(async () => {
    const [row] = await query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()",
      [`%${marker}%`],
    );
    expect(row).toBeDefined();
    pid = row?.pid ?? 0;
  }, WAIT);
  return pid;
}

/** Backends waiting for `pid`'s locks. */
export const blockedBy = async (pid: number) =>
  Number(
    (
      await query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))",
        [pid],
      )
    )[0]?.n,
  );

/**
 * Backends running a statement whose text contains `fragment` and waiting for a lock, directly or
 * in the queue behind another waiter (which `blockedBy` does not count).
 */
export const waitingOnLocks = async (fragment: string) =>
  Number(
    (
      await query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1",
        [`%${fragment}%`],
      )
    )[0]?.n,
  );
