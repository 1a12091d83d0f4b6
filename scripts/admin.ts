// `npm run admin`: tenants, API keys and webhook URLs, straight in Postgres (see scripts/lib/admin-cli.ts).
import { runAdmin } from "./lib/admin-cli";
import { type DevState, readJson } from "./lib/local-state";

process.exitCode = await runAdmin(process.argv.slice(2), {
  env: process.env,
  devDatabaseUrl: () => readJson<DevState>("dev.json")?.databaseUrl,
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
});
