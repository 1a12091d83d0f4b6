import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { ROOT, runWrangler, type Spawned, spawnWrangler, stopGroup, waitForHttp } from "../lib/processes";

export const PRIMARY_CONFIG = join(ROOT, "wrangler.toml");
/** Workers the API Worker reaches over service bindings; run beside it when their config exists. */
const AUXILIARY_CONFIGS = ["wrangler.llm-matcher.toml"];

export function auxiliaryConfigs(): string[] {
  return AUXILIARY_CONFIGS.map((file) => join(ROOT, file)).filter((path) => existsSync(path));
}

export interface BuiltWorker {
  name: string;
  config: string;
  /** The minified module `wrangler deploy --minify` would upload. */
  entry: string;
  /** The multipart upload body, which `wrangler check startup --worker` reads. */
  uploadFile: string;
  minifiedKiB: number;
  gzipKiB: number;
}

/** The production build (`npm run deploy` minifies), measured the way wrangler reports it on deploy. */
export async function buildWorker(config: string, dir: string): Promise<BuiltWorker> {
  const name =
    /^name\s*=\s*"([^"]+)"/m.exec(await readFile(config, "utf8"))?.[1] ?? basename(config, ".toml");
  const outDir = join(dir, `${name}-dist`);
  const uploadFile = join(dir, `${name}.bundle`);
  const output = await runWrangler(
    ["deploy", "--dry-run", "--minify", "--config", config, "--outdir", outDir, "--outfile", uploadFile],
    120_000,
  );
  const size = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
  if (!size?.[1] || !size[2]) {
    throw new Error(`no "Total Upload" line in wrangler deploy --dry-run output:\n${output}`);
  }
  // The module is named after the entry point (index.js, worker.js, ...).
  const modules = (await readdir(outDir)).filter((file) => file.endsWith(".js"));
  if (modules.length !== 1 || !modules[0]) {
    throw new Error(`expected one .js module in ${outDir}, found: ${modules.join(", ") || "none"}`);
  }
  return {
    name,
    config,
    entry: join(outDir, modules[0]),
    uploadFile,
    minifiedKiB: Number(size[1]),
    gzipKiB: Number(size[2]),
  };
}

export interface StartupProfile {
  /** Non-idle CPU time of evaluating the Worker's modules, per run. */
  activeMs: number[];
}

/**
 * `wrangler check startup` loads the built upload into a fresh workerd isolate behind a wrapper
 * that imports the main module on the first request, with the V8 CPU profiler on: its "Active"
 * time is the CPU spent evaluating our modules, the cost Cloudflare's startup limit counts.
 * Wall-clock timing from outside would mostly measure workerd's own start and this machine's noise.
 */
export async function profileStartup(built: BuiltWorker, dir: string, runs: number): Promise<StartupProfile> {
  const activeMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const output = await runWrangler(
      [
        "check",
        "startup",
        "--worker",
        built.uploadFile,
        "--outfile",
        join(dir, `${built.name}-startup-${run}.cpuprofile`),
      ],
      120_000,
    );
    const active = /Active: ([\d.]+) ms/.exec(output);
    if (!active?.[1]) {
      throw new Error(`no "Active:" line in wrangler check startup output:\n${output}`);
    }
    activeMs.push(Number(active[1]));
  }
  return { activeMs };
}

export interface DevServer {
  baseUrl: string;
  stop(): Promise<void>;
  output(): string;
}

/**
 * `wrangler dev` on the already built bundles (`--no-bundle`): the bench measures the artifacts that
 * would be deployed, and edits to src/ during a run cannot reload a Worker mid-measurement.
 * The API Worker gets its settings from `--var`, which wrangler binds like `.dev.vars`; `--env-file`
 * pointing at an empty file keeps the repo's `.dev.vars` (owned by `npm run dev`) out.
 * Auxiliary Workers run in the same workerd (one `-c` each), so service bindings resolve locally;
 * wrangler gives them neither `--var` nor `--env-file`, so each gets a generated config in its own
 * temp dir with a `.dev.vars` beside it.
 */
export async function startDevServer(opts: {
  primary: BuiltWorker;
  auxiliaries: readonly BuiltWorker[];
  port: number;
  inspectorPort: number;
  dir: string;
  vars: Record<string, string>;
}): Promise<DevServer> {
  const emptyEnvFile = join(opts.dir, "empty.env");
  await writeFile(emptyEnvFile, "");
  const auxiliaryConfigs: string[] = [];
  for (const aux of opts.auxiliaries) {
    auxiliaryConfigs.push(
      "--config",
      await prebuiltConfig(aux, join(opts.dir, `dev-${aux.name}`), opts.vars),
    );
  }
  const args = [
    "dev",
    opts.primary.entry,
    "--no-bundle",
    // Without it, a positional script makes wrangler miss wrangler.toml and its bindings.
    "--config",
    opts.primary.config,
    ...auxiliaryConfigs,
    "--ip",
    "127.0.0.1",
    "--port",
    String(opts.port),
    "--inspector-port",
    String(opts.inspectorPort),
    "--show-interactive-dev-session=false",
    "--persist-to",
    join(opts.dir, "wrangler-state"),
    "--env-file",
    emptyEnvFile,
    ...Object.entries(opts.vars).flatMap(([key, value]) => ["--var", `${key}:${value}`]),
  ];
  // A private dev registry: no service binding may reach another developer's `wrangler dev`, or theirs ours.
  const dev: Spawned = spawnWrangler(args, { WRANGLER_REGISTRY_PATH: join(opts.dir, "dev-registry") });
  const baseUrl = `http://127.0.0.1:${opts.port}`;
  const server = { baseUrl, stop: () => stopGroup(dev.child), output: dev.output };
  try {
    await waitForHttp(`${baseUrl}/openapi.json`, dev);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** The Worker's own config, pointed at its built module, plus a `.dev.vars` with the bench settings. */
async function prebuiltConfig(
  built: BuiltWorker,
  dir: string,
  vars: Record<string, string>,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const original = await readFile(built.config, "utf8");
  const rest = original.replace(/^[ \t]*(main|no_bundle)[ \t]*=.*$/gm, "");
  const config = join(dir, "wrangler.toml");
  await writeFile(
    config,
    `# Generated by npm run bench from ${basename(built.config)}\nmain = ${JSON.stringify(built.entry)}\nno_bundle = true\n${rest}`,
  );
  await writeFile(
    join(dir, ".dev.vars"),
    Object.entries(vars)
      .map(([key, value]) => `${key}=${JSON.stringify(value)}\n`)
      .join(""),
  );
  return config;
}
