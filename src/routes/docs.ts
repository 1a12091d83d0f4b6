import type { Hono } from "hono";
import type { HonoEnv } from "../env";

/**
 * Where Workers static assets serve Swagger UI from (`[assets]` in wrangler.toml, filled from the
 * pinned `swagger-ui-dist` by scripts/lib/assets.ts). Assets never enter the Worker's bundle, and
 * the page works offline: no CDN.
 */
export const SWAGGER_UI_PATH = "/docs/swagger-ui";

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Contact metadata API</title>
<link rel="stylesheet" href="${SWAGGER_UI_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="${SWAGGER_UI_PATH}/favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${SWAGGER_UI_PATH}/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });</script>
</body>
</html>
`;

export function registerDocs(app: Hono<HonoEnv>): void {
  // Someone who opens the service's address finds where it is described.
  app.get("/", (c) =>
    c.json({ name: "Contact metadata API", docs: "/docs", openapi: "/openapi.json" }, 200, {
      Link: '</docs>; rel="service-doc", </openapi.json>; rel="service-desc"',
    }),
  );
  // A static asset (scripts/lib/assets.ts), which Workers static assets serve before the Worker
  // runs; the 35 KB document is not in the bundle. This route answers requests that reach the
  // Worker itself (a service binding, the tests' `exports.default.fetch`) with the same file.
  app.get("/openapi.json", async (c) => {
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    // A fetched response's headers are immutable; the middlewares add theirs (x-request-id, ...).
    return new Response(asset.body, asset);
  });
  app.get("/docs", (c) => c.html(DOCS_PAGE));
}
