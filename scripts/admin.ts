import { parseArgs } from "node:util";
import pg from "pg";
import { type DevState, readJson } from "./lib/local-state";
import { createApiKey, createTenant, type Query, revokeApiKey } from "./lib/tenants";
import { monthUsage, setLlmBudget } from "./lib/usage";
import { createWebhook, listWebhooks, revokeWebhook } from "./lib/webhooks";

const USAGE = `usage:
  npm run admin -- tenant create --name <name>
  npm run admin -- key create --tenant <tenant id>
  npm run admin -- key revoke --key <api key or prefix>
  npm run admin -- webhook create --tenant <tenant id> [--signing-secret <secret>]
  npm run admin -- webhook list --tenant <tenant id>
  npm run admin -- webhook revoke --webhook <token, prefix or id>
  npm run admin -- tenant set-llm-budget --tenant <tenant id> --tokens <tokens per month, or none>
  npm run admin -- tenant usage --tenant <tenant id> --month <YYYY-MM>
Uses DATABASE_URL when set, else the database of a running \`npm run dev\`.`;

function databaseUrl(): string {
  const url = process.env.DATABASE_URL ?? readJson<DevState>("dev.json")?.databaseUrl;
  if (!url) {
    throw new Error("no database: set DATABASE_URL or start `npm run dev`");
  }
  return url;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: "string" },
      tenant: { type: "string" },
      key: { type: "string" },
      webhook: { type: "string" },
      "signing-secret": { type: "string" },
      tokens: { type: "string" },
      month: { type: "string" },
    },
  });
  const command = positionals.join(" ");
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  const query: Query = async <T>(text: string, params?: unknown[]) =>
    (await client.query(text, params)).rows as T[];
  try {
    if (command === "tenant create" && values.name) {
      console.log(JSON.stringify(await createTenant(query, values.name)));
    } else if (command === "key create" && values.tenant) {
      const { key, prefix } = await createApiKey(query, values.tenant);
      console.log(JSON.stringify({ tenant_id: values.tenant, api_key: key, prefix }));
    } else if (command === "key revoke" && values.key) {
      const { revoked } = await revokeApiKey(query, values.key);
      if (revoked.length === 0) {
        throw new Error("no live key matches");
      }
      console.log(JSON.stringify({ revoked }));
    } else if (command === "webhook create" && values.tenant) {
      console.log(JSON.stringify(await createWebhook(query, values.tenant, values["signing-secret"])));
    } else if (command === "webhook list" && values.tenant) {
      for (const webhook of await listWebhooks(query, values.tenant)) {
        console.log(JSON.stringify(webhook));
      }
    } else if (command === "webhook revoke" && values.webhook) {
      const { revoked } = await revokeWebhook(query, values.webhook);
      if (revoked.length === 0) {
        throw new Error("no live webhook matches");
      }
      console.log(JSON.stringify({ revoked }));
    } else if (command === "tenant set-llm-budget" && values.tenant && values.tokens) {
      console.log(JSON.stringify(await setLlmBudget(query, values.tenant, values.tokens)));
    } else if (command === "tenant usage" && values.tenant && values.month) {
      console.log(JSON.stringify(await monthUsage(query, values.tenant, values.month)));
    } else {
      console.error(USAGE);
      process.exitCode = 2;
    }
  } finally {
    await client.end();
  }
}

main().catch((err: unknown) => {
  console.error(`admin: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
