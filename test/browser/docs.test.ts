// /docs in a real Chromium against `wrangler dev`, cut off from everything but that server: the
// page must render every operation of the OpenAPI document from the Worker's own assets.
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Spawned, spawnWrangler, stopGroup, waitForHttp } from "../../scripts/lib/processes";
import { findFreePort } from "../../scripts/local/node-http";

/** Debian's Chromium (`apt-get install -y chromium`; .ci/run installs it): Playwright's own download is not reachable. */
const CHROMIUM = "/usr/bin/chromium";
/**
 * Root needs --no-sandbox. The rest keep Chromium from dialling Google's hosts at start (update,
 * sync, component and field-trial fetches), which offline ends in refused connections and DNS errors.
 */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);

let dir: string | undefined;
let dev: Spawned | undefined;
let browser: Browser | undefined;
let base = "";

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium)`);
  }
  dir = await mkdtemp(join(tmpdir(), "docs-browser-"));
  // An empty env file keeps the developer's .dev.vars out; the docs need no database.
  const emptyEnv = join(dir, "empty.env");
  await writeFile(emptyEnv, "");
  const port = await findFreePort();
  base = `http://127.0.0.1:${port}`;
  dev = spawnWrangler(
    [
      "dev",
      "-c",
      "wrangler.toml",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(await findFreePort()),
      "--show-interactive-dev-session=false",
      "--persist-to",
      join(dir, "state"),
      "--env-file",
      emptyEnv,
    ],
    // A private dev registry: no service binding may reach another developer's `wrangler dev`.
    { WRANGLER_REGISTRY_PATH: join(dir, "registry") },
  );
  await waitForHttp(`${base}/openapi.json`, dev);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (dev) {
    await stopGroup(dev.child);
  }
  if (dir) {
    await rm(dir, { recursive: true, force: true });
  }
});

it("renders every operation of the OpenAPI document, loading nothing from elsewhere", async () => {
  if (!browser) {
    throw new Error("no browser");
  }
  const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const operations = Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => HTTP_METHODS.has(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
  expect(operations.length).toBeGreaterThan(0);

  const page = await browser.newPage();
  // Anything not served by our Worker is refused and recorded: a CDN asset fails the test even
  // on a machine that happens to be online.
  const foreign: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(`${base}/`)) {
      return route.continue();
    }
    foreign.push(url);
    return route.abort();
  });
  const failures: string[] = [];
  page.on("requestfailed", (request) => failures.push(`${request.url()}: ${request.failure()?.errorText}`));
  page.on("response", (response) => {
    if (response.status() >= 400) {
      failures.push(`${response.url()}: ${response.status()}`);
    }
  });
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));

  await page.goto(`${base}/docs`);
  // Swagger UI renders asynchronously after fetching /openapi.json; a dead page never gets here.
  await page
    .locator(".opblock")
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(() => undefined);
  const rendered = await page.$$eval(".opblock", (blocks) =>
    blocks.map(
      (block) =>
        `${block.querySelector(".opblock-summary-method")?.textContent?.trim()} ${block
          .querySelector(".opblock-summary-path")
          ?.getAttribute("data-path")}`,
    ),
  );
  await page.close();
  expect({ rendered: rendered.sort(), foreign, failures }).toEqual({
    rendered: operations,
    foreign: [],
    failures: [],
  });
}, 60_000);
