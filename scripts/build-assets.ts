// `npm run assets` (and `npm run deploy` before uploading): fills dist/assets, see scripts/lib/assets.ts.
import { buildAssets } from "./lib/assets";

console.log(`assets in ${await buildAssets()}`);
