import { bundleWorker } from "./bundle-worker";

/**
 * Bundles the events Worker (the `contact-events` queue consumer) for miniflare's auxiliary
 * workers (wrangler dev and deploy bundle it themselves from wrangler.events.toml).
 */
export async function buildEventsWorker(outfile: string): Promise<void> {
  await bundleWorker("events/worker.ts", outfile);
}
