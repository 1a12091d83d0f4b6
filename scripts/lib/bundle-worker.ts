import { build } from "esbuild";

/**
 * Bundles an auxiliary Worker (`entry` relative to src/) for miniflare, which takes built
 * JavaScript for them (wrangler dev and deploy bundle them from their own wrangler configs).
 */
export async function bundleWorker(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [new URL(`../../src/${entry}`, import.meta.url).pathname],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*"],
    logLevel: "error",
  });
}
