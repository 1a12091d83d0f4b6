// The browser project needs no database: only the static assets wrangler.toml points at.
import { buildAssets } from "../../scripts/lib/assets";

export default async function setup() {
  await buildAssets();
}
