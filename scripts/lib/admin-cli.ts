import { parseArgs } from "node:util";
import { connectPg, type PgSession } from "./pg-query";
import {
  createApiKey,
  createTenant,
  isDefinitionLimit,
  isTenantId,
  revokeApiKey,
  setDefinitionLimit,
} from "./tenants";
import { isMonth, isTokenBudget, monthUsage, setLlmBudget } from "./usage";
import { createWebhook, listWebhooks, revokeWebhook } from "./webhooks";

export const USAGE = `usage:
  npm run admin -- tenant create --name <name>
  npm run admin -- key create --tenant <tenant id>
  npm run admin -- key revoke --key <api key or prefix>
  npm run admin -- webhook create --tenant <tenant id> [--signing-secret <secret>]
  npm run admin -- webhook list --tenant <tenant id>
  npm run admin -- webhook revoke --webhook <token, prefix or id>
  npm run admin -- tenant set-llm-budget --tenant <tenant id> --tokens <tokens per UTC month, or none>
  npm run admin -- tenant usage --tenant <tenant id> --month <YYYY-MM>
  npm run admin -- tenant set-limit --tenant <tenant id> --definitions <custom field definitions, default 10000>
  npm run admin -- --help
Uses DATABASE_URL when set, else the database of a running \`npm run dev\`.`;

export const NO_DATABASE = "no database: start `npm run dev` or set DATABASE_URL";

/** The command line was wrong: usage on stderr, exit 2, and the database is never touched. */
export class UsageError extends Error {}

/** A failure the person can act on (no database, unknown tenant): one line, exit 1. */
export class AdminError extends Error {}

type Option = "name" | "tenant" | "key" | "webhook" | "signing-secret" | "tokens" | "month" | "definitions";

const COMMANDS: Record<string, { required: Option[]; optional?: Option[] }> = {
  "tenant create": { required: ["name"] },
  "key create": { required: ["tenant"] },
  "key revoke": { required: ["key"] },
  "webhook create": { required: ["tenant"], optional: ["signing-secret"] },
  "webhook list": { required: ["tenant"] },
  "webhook revoke": { required: ["webhook"] },
  "tenant set-llm-budget": { required: ["tenant", "tokens"] },
  "tenant usage": { required: ["tenant", "month"] },
  "tenant set-limit": { required: ["tenant", "definitions"] },
};

export type Invocation =
  | { kind: "help" }
  | { kind: "run"; command: string; options: Partial<Record<Option, string>> };

/** Reads the arguments without any I/O, so usage and misuse are answered with no database at all. */
export function parseInvocation(argv: readonly string[]): Invocation {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // node:util's messages name the bad option ("Unknown option '--nmae'"): worth showing as is.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { positionals, values } = parsed;
  // No arguments is a request for help: a first `npm run admin` should teach, not fail.
  if (values.help || positionals.length === 0) {
    return { kind: "help" };
  }
  const command = positionals.join(" ");
  const spec = COMMANDS[command];
  if (!spec) {
    throw new UsageError(`unknown command: ${command}`);
  }
  const options: Partial<Record<Option, string>> = {};
  for (const [name, value] of Object.entries(values)) {
    if (name === "help" || typeof value !== "string") {
      continue;
    }
    const option = name as Option;
    if (!spec.required.includes(option) && !spec.optional?.includes(option)) {
      throw new UsageError(`${command} does not take --${option}`);
    }
    options[option] = value;
  }
  for (const option of spec.required) {
    if (options[option] === undefined) {
      throw new UsageError(`${command} needs --${option}`);
    }
  }
  if (options.name !== undefined && options.name.trim() === "") {
    throw new UsageError("--name must not be blank");
  }
  if (options.tenant !== undefined && !isTenantId(options.tenant)) {
    throw new UsageError(
      `--tenant must be a tenant id (a UUID, as "tenant create" prints it), got ${JSON.stringify(options.tenant)}`,
    );
  }
  if (options.tokens !== undefined && !isTokenBudget(options.tokens)) {
    throw new UsageError(
      `--tokens must be a whole number of tokens per UTC month (0 or more) or "none", got ${JSON.stringify(options.tokens)}`,
    );
  }
  if (options.definitions !== undefined && !isDefinitionLimit(options.definitions)) {
    throw new UsageError(
      `--definitions must be a whole number of custom field definitions (0 to 20000), got ${JSON.stringify(options.definitions)}`,
    );
  }
  if (options.month !== undefined && !isMonth(options.month)) {
    throw new UsageError(`--month must be YYYY-MM, got ${JSON.stringify(options.month)}`);
  }
  // An empty HMAC key would let anyone who knows the URL sign a submission.
  if (options["signing-secret"] !== undefined && options["signing-secret"].trim() === "") {
    throw new UsageError("--signing-secret must not be blank: omit it for an unsigned webhook");
  }
  return { kind: "run", command, options };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: "boolean", short: "h" },
      name: { type: "string" },
      tenant: { type: "string" },
      key: { type: "string" },
      webhook: { type: "string" },
      "signing-secret": { type: "string" },
      tokens: { type: "string" },
      month: { type: "string" },
      definitions: { type: "string" },
    },
  });
}

/** Where the database is: DATABASE_URL, else the one `npm run dev` recorded in .local/dev.json. */
export function resolveDatabaseUrl(env: NodeJS.ProcessEnv, devDatabaseUrl: string | undefined): string {
  const url = env.DATABASE_URL?.trim() || devDatabaseUrl;
  if (!url) {
    throw new AdminError(NO_DATABASE);
  }
  return url;
}

/** Codes of "nothing there": a stopped `npm run dev` leaves .local/dev.json naming a dead port. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && UNREACHABLE.has(code)) {
    return true;
  }
  // pg's connectionTimeoutMillis, and Node trying IPv6 then IPv4 (an AggregateError of both).
  return (
    /connection timeout/i.test(error.message) ||
    (error instanceof AggregateError && error.errors.some((inner) => isUnreachable(inner)))
  );
}

export async function connect(url: string): Promise<PgSession> {
  try {
    return await connectPg(url, { connectionTimeoutMillis: 5000 });
  } catch (error) {
    if (isUnreachable(error)) {
      const { host } = new URL(url);
      throw new AdminError(`${NO_DATABASE} (nothing answers at ${host})`);
    }
    throw error;
  }
}

/** Postgres' foreign_key_violation: the only one these inserts can hit is an unknown tenant. */
const isForeignKeyViolation = (error: unknown) =>
  error instanceof Error && (error as { code?: unknown }).code === "23503";

export async function runCommand(
  session: PgSession,
  command: string,
  options: Partial<Record<Option, string>>,
  print: (line: string) => void,
): Promise<void> {
  const { query } = session;
  const tenant = options.tenant ?? "";
  try {
    switch (command) {
      case "tenant create":
        print(JSON.stringify(await createTenant(query, options.name ?? "")));
        return;
      case "key create": {
        const { key, prefix } = await createApiKey(query, tenant);
        print(JSON.stringify({ tenant_id: tenant, api_key: key, prefix }));
        return;
      }
      case "key revoke": {
        const { revoked } = await revokeApiKey(query, options.key ?? "");
        if (revoked.length === 0) {
          throw new AdminError("no live key matches");
        }
        print(JSON.stringify({ revoked }));
        return;
      }
      case "webhook create":
        print(JSON.stringify(await createWebhook(query, tenant, options["signing-secret"])));
        return;
      case "webhook list":
        for (const webhook of await listWebhooks(query, tenant)) {
          print(JSON.stringify(webhook));
        }
        return;
      case "webhook revoke": {
        const { revoked } = await revokeWebhook(query, options.webhook ?? "");
        if (revoked.length === 0) {
          throw new AdminError("no live webhook matches");
        }
        print(JSON.stringify({ revoked }));
        return;
      }
      case "tenant set-llm-budget":
        print(JSON.stringify(await setLlmBudget(query, tenant, options.tokens ?? "")));
        return;
      case "tenant set-limit":
        print(JSON.stringify(await setDefinitionLimit(query, tenant, Number(options.definitions))));
        return;
      case "tenant usage":
        print(JSON.stringify(await monthUsage(query, tenant, options.month ?? "")));
        return;
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (error) {
    if (isForeignKeyViolation(error)) {
      throw new AdminError(`no tenant ${tenant}`);
    }
    throw error;
  }
}

/** The whole CLI; returns the exit code: 0 done or help, 1 failed, 2 misused. */
export async function runAdmin(
  argv: readonly string[],
  io: {
    env: NodeJS.ProcessEnv;
    devDatabaseUrl: () => string | undefined;
    stdout: (line: string) => void;
    stderr: (line: string) => void;
  },
): Promise<number> {
  try {
    const invocation = parseInvocation(argv);
    if (invocation.kind === "help") {
      io.stdout(USAGE);
      return 0;
    }
    const session = await connect(resolveDatabaseUrl(io.env, io.devDatabaseUrl()));
    try {
      await runCommand(session, invocation.command, invocation.options, io.stdout);
    } finally {
      await session.end();
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`admin: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`admin: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
