import { bundleWorker } from "./bundle-worker";

/**
 * Bundles the LLM Worker for miniflare's auxiliary workers, which take built JavaScript (wrangler
 * dev and deploy bundle it themselves from wrangler.llm-matcher.toml).
 */
export async function buildLlmMatcher(outfile: string): Promise<void> {
  await bundleWorker("llm-matcher/worker.ts", outfile);
}
