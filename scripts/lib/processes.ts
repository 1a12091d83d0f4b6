import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Process groups we started and have not seen exit; killed on any way out of the bench. */
const liveGroups = new Set<number>();

/** Signals a whole process group; a group that is already gone is not an error. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group has already exited.
  }
}

/** Synchronous, so it can also run from `process.on("exit")`, where nothing async completes. */
export function killLiveGroups(): void {
  for (const pid of liveGroups) {
    killGroup(pid, "SIGTERM");
  }
}

/** Stops the group politely, then for good: workerd must never survive the bench and keep its port. */
export async function stopGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) {
    return;
  }
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    killGroup(pid, "SIGTERM");
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
    ]);
    if (timedOut) {
      killGroup(pid, "SIGKILL");
    }
  }
  // The leader may be gone while workerd (same group) still winds down.
  killGroup(pid, "SIGKILL");
  liveGroups.delete(pid);
}

export interface Spawned {
  child: ChildProcess;
  /** The last ~20 kB of stdout and stderr, for error messages. */
  output(): string;
}

/**
 * For every wrangler we start: offline and quiet. Without these, each start tries
 * workers.cloudflare.com/cf.json (miniflare's `Request.cf` data: an ENOTFOUND stack trace offline)
 * and wrangler's telemetry. The update check's failure is silent, so it needs no switch.
 */
export const WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
} as const;

/**
 * Runs wrangler's CLI with the Node that runs the bench (the system `node` may be too old for
 * wrangler), in its own process group so that its workerd children can be stopped with it.
 */
export function spawnWrangler(args: readonly string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [`${ROOT}node_modules/wrangler/bin/wrangler.js`, ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      ...WRANGLER_ENV,
      // No colours to parse.
      NO_COLOR: "1",
      FORCE_COLOR: "0",
      ...env,
    },
  });
  const pid = child.pid;
  if (pid !== undefined) {
    liveGroups.add(pid);
    child.once("exit", () => {
      // Children of a dead leader may linger in the group; only stopGroup forgets it.
      if (child.signalCode === null && child.exitCode !== null) {
        killGroup(pid, "SIGKILL");
        liveGroups.delete(pid);
      }
    });
  }
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  return { child, output: () => output };
}

/** Runs a wrangler command to completion; rejects with its output when it fails or takes too long. */
export async function runWrangler(args: readonly string[], timeoutMs: number): Promise<string> {
  const run = spawnWrangler(args);
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopGroup(run.child, 1000);
      reject(new Error(`wrangler ${args[0]} took over ${timeoutMs / 1000} s\n${run.output()}`));
    }, timeoutMs);
    run.child.once("error", reject);
    run.child.once("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  await stopGroup(run.child, 1000);
  if (code !== 0) {
    throw new Error(`wrangler ${args.join(" ")} exited with ${code}\n${run.output()}`);
  }
  return run.output();
}

/** Polls `url` until it answers 2xx; fails early, with the process' output, if the process exits first. */
export async function waitForHttp(url: string, server: Spawned, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`the server exited before ${url} answered:\n${server.output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s:\n${server.output()}`);
}
