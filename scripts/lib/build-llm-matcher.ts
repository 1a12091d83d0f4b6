import { build } from "esbuild";

/**
 * Bundles the LLM Worker for miniflare's auxiliary workers, which take built JavaScript (wrangler
 * dev and deploy bundle it themselves from wrangler.llm-matcher.toml).
 */
export async function buildLlmMatcher(outfile: string): Promise<void> {
  await build({
    entryPoints: [new URL("../../src/llm-matcher/worker.ts", import.meta.url).pathname],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*"],
    logLevel: "error",
  });
}
