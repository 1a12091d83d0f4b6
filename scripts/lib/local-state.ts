import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Git-ignored folder where `npm run dev` keeps its database and what other scripts need to find it. */
export const LOCAL_DIR = join(dirname(new URL(import.meta.url).pathname), "..", "..", ".local");

export interface DevState {
  /** Direct TCP URL of the dev Postgres, for the admin CLI and migrations. */
  databaseUrl: string;
  proxyUrl: string;
  pid: number;
  /** `METERING=off npm run dev` turns usage metering off (to measure its cost with `npm run load`). */
  metering?: "on" | "off";
}

export interface DemoSeed {
  tenantId: string;
  apiKey: string;
  contactId: string;
  /** `/api/webhooks/whk_...` of the demo tenant (absent in seeds from before webhooks existed). */
  webhookPath?: string;
}

const file = (name: string) => join(LOCAL_DIR, name);

export function readJson<T>(name: string): T | undefined {
  return existsSync(file(name)) ? (JSON.parse(readFileSync(file(name), "utf8")) as T) : undefined;
}

export function writeJson(name: string, value: unknown): void {
  mkdirSync(LOCAL_DIR, { recursive: true });
  writeFileSync(file(name), `${JSON.stringify(value, null, 2)}\n`);
}
