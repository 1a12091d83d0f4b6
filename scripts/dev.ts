// `npm run dev`: embedded Postgres + the local Neon proxy + `wrangler dev`, seeded with a demo
// tenant on first start. Ctrl-C stops everything it started.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildAssets } from "./lib/assets";
import { startLocalStack } from "./lib/local-stack";
import { type DemoSeed, LOCAL_DIR, readJson, writeJson } from "./lib/local-state";
import { withPg } from "./lib/pg-query";
import { WRANGLER_ENV } from "./lib/processes";
import { redactingStream } from "./lib/redact";
import { createTenant } from "./lib/tenants";
import { createWebhook } from "./lib/webhooks";
import { demoOracle } from "./local/demo-llm-oracle";

const ROOT = join(LOCAL_DIR, "..");
const PORT = Number(process.env.PORT ?? 8787);
const BASE = `http://127.0.0.1:${PORT}`;
/** Miniflare's trigger for the API Worker's scheduled() handler (the outbox sweep). */
const SCHEDULED_URL = `${BASE}/cdn-cgi/local/scheduled?cron=*+*+*+*+*`;
/** Never dialled: LOCAL_NEON_SQL_ENDPOINT sends the driver's queries to the local proxy instead. */
const WORKER_DATABASE_URL = "postgresql://postgres:postgres@db.localtest.me:5432/app";

function seedDemo(connectionString: string): Promise<{ seed: DemoSeed; fresh: boolean }> {
  return withPg(connectionString, async (query) => {
    const known = readJson<DemoSeed>("demo.json");
    if (known) {
      const rows = await query("SELECT 1 FROM contacts WHERE id = $1 AND tenant_id = $2", [
        known.contactId,
        known.tenantId,
      ]);
      if (rows.length > 0) {
        if (!known.webhookPath) {
          known.webhookPath = (await createWebhook(query, known.tenantId)).path;
          writeJson("demo.json", known);
        }
        return { seed: known, fresh: false };
      }
    }
    const { tenant_id, api_key } = await createTenant(query, "Demo tenant");
    const [contact] = await query<{ id: string }>(
      "INSERT INTO contacts (tenant_id, name, email, phone) VALUES ($1, 'Demo Contact', 'demo@example.com', '+34600000000') RETURNING id",
      [tenant_id],
    );
    if (!contact) {
      throw new Error("demo contact insert returned no row");
    }
    const seed = {
      tenantId: tenant_id,
      apiKey: api_key,
      contactId: contact.id,
      webhookPath: (await createWebhook(query, tenant_id)).path,
    };
    writeJson("demo.json", seed);
    return { seed, fresh: true };
  });
}

/** Demo definitions go through the API itself, so they land in wrangler's local KV. */
async function seedDemoFields(apiKey: string): Promise<void> {
  const fields = {
    company_name: { label: "Company name", aliases: ["empresa", "company"] },
    lead_score: { label: "Lead score", type: "number" },
    employee_count: { label: "Employee count", type: "number" },
  };
  for (const [key, body] of Object.entries(fields)) {
    await fetch(`${BASE}/api/public/custom-fields/${key}`, {
      method: "PUT",
      headers: { "x-api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }
}

async function waitUntilReady(child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (child.exitCode !== null) {
      throw new Error("wrangler dev exited");
    }
    try {
      if ((await fetch(`${BASE}/openapi.json`)).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("wrangler dev did not become ready in 60 s");
}

async function main(): Promise<void> {
  await buildAssets();
  // A real LLM when the environment names one, else the local fake with a demo oracle.
  const stack = await startLocalStack({
    dataDir: join(LOCAL_DIR, "pgdata"),
    persistent: true,
    llm: process.env.OPENAI_API_KEY ? false : { respond: demoOracle },
  });
  const { postgres, proxy, llm: fakeLlm } = stack;
  const { seed, fresh } = await seedDemo(postgres.connectionString);
  const llmVars = fakeLlm
    ? { OPENAI_API_KEY: "local-fake-llm", OPENAI_BASE_URL: fakeLlm.baseURL }
    : {
        OPENAI_API_KEY: process.env.OPENAI_API_KEY,
        OPENAI_BASE_URL: process.env.OPENAI_BASE_URL,
        OPENAI_MODEL: process.env.OPENAI_MODEL,
        LLM_TIMEOUT_MS: process.env.LLM_TIMEOUT_MS,
      };
  const metering = process.env.METERING === "off" ? "off" : "on";
  const vars = {
    DATABASE_URL: WORKER_DATABASE_URL,
    LOCAL_NEON_SQL_ENDPOINT: proxy.sqlEndpoint,
    METERING: metering,
    // Lets a receiver on this machine (http://127.0.0.1:…) be registered and called.
    LOCAL_ALLOW_LOOPBACK_WEBHOOKS: "true",
    ...llmVars,
  };
  writeFileSync(
    join(ROOT, ".dev.vars"),
    [
      "# Written by npm run dev; local only (git-ignored).",
      ...Object.entries(vars).flatMap(([k, v]) => (v ? [`${k}=${v}`] : [])),
      "",
    ].join("\n"),
  );
  writeJson("dev.json", {
    databaseUrl: postgres.connectionString,
    proxyUrl: proxy.url,
    pid: process.pid,
    metering,
  });

  // Own process group, so stopping it also stops workerd and never leaves port 8787 taken.
  const wrangler = spawn(
    join(ROOT, "node_modules", ".bin", "wrangler"),
    // All Workers in one wrangler: the API, the LLM Worker behind its LLM_MATCHER binding, and the
    // events Worker consuming the contact-events queue (miniflare's local queue). Each reads the
    // .dev.vars written above (their configs share this folder).
    [
      "dev",
      "-c",
      "wrangler.toml",
      "-c",
      "wrangler.llm-matcher.toml",
      "-c",
      "wrangler.events.toml",
      "--ip",
      "127.0.0.1",
      "--port",
      String(PORT),
      "--show-interactive-dev-session=false",
    ],
    // WRANGLER_ENV: offline, each start printed an ENOTFOUND workers.cloudflare.com stack trace.
    {
      cwd: ROOT,
      detached: true,
      // Piped through the redactor: wrangler prints each request's path, and a webhook's URL token
      // is in its path. Colours are kept when our own output is a terminal.
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...WRANGLER_ENV, ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}) },
    },
  );
  wrangler.stdout?.pipe(redactingStream()).pipe(process.stdout);
  wrangler.stderr?.pipe(redactingStream()).pipe(process.stderr);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) {
      return;
    }
    stopping = true;
    if (wrangler.pid && wrangler.exitCode === null) {
      process.kill(-wrangler.pid, "SIGTERM");
    }
    await stack.stop().catch((error: unknown) => console.error(error));
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  wrangler.on("exit", (code) => void stop(code ?? 1));

  await waitUntilReady(wrangler);
  if (fresh) {
    await seedDemoFields(seed.apiKey);
  }
  // Miniflare fires no Cron Triggers: run the outbox sweep every minute, as production does.
  const sweep = setInterval(() => {
    fetch(SCHEDULED_URL)
      .then((res) => res.arrayBuffer())
      .catch(() => undefined);
  }, 60_000);
  wrangler.on("exit", () => clearInterval(sweep));
  console.log(`
Contact metadata service on ${BASE}   (docs: ${BASE}/docs, OpenAPI: ${BASE}/openapi.json)
  LLM: ${fakeLlm ? `local fake (${fakeLlm.baseURL}); set OPENAI_API_KEY to use a real one` : `${process.env.OPENAI_BASE_URL ?? "OpenAI"} (${process.env.OPENAI_MODEL ?? "gpt-4o-mini"})`}
  demo API key:    ${seed.apiKey}
  demo contact id: ${seed.contactId}

Try:
  curl -s -X POST ${BASE}/api/public/contact/${seed.contactId}/update-metadata \\
    -H 'x-api-key: ${seed.apiKey}' -H 'content-type: application/json' \\
    -d '{"companyName": "Acme", "leadScore": 95, "tags": ["vip", "beta"], "empleados": "about 40"}'
  curl -s ${BASE}/api/public/contact/${seed.contactId}/info -H 'x-api-key: ${seed.apiKey}'

Form builders post to the demo webhook URL (no API key; finds the contact by email, phone or ai_contact_id):
  ${BASE}${seed.webhookPath}
  curl -s -X POST ${BASE}${seed.webhookPath} -H 'content-type: application/json' \
    -d '{"eventId": "demo-1", "eventType": "FORM_RESPONSE", "data": {"responseId": "r-1", "fields": [{"key": "q1", "label": "Email", "type": "INPUT_EMAIL", "value": "demo@example.com"}, {"key": "q2", "label": "Company size", "type": "MULTIPLE_CHOICE", "value": ["o2"], "options": [{"id": "o1", "text": "1-10"}, {"id": "o2", "text": "11-50"}]}]}}'

Change events to your own receiver (signed Standard Webhooks; README "Change events"):
  curl -s -X POST ${BASE}/api/public/webhook-endpoints -H 'x-api-key: ${seed.apiKey}' \\
    -H 'content-type: application/json' -d '{"url": "http://127.0.0.1:9000/hook"}'
  The outbox sweep runs every minute; trigger it now: curl -s '${SCHEDULED_URL}'

Admin: npm run admin -- tenant create --name <name>   (Ctrl-C stops everything)
`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
