import { requestId } from "hono/request-id";
import { timing } from "hono/timing";
import { Hono } from "hono/tiny";
import type { HonoEnv } from "./env";
import { ApiError } from "./http/api-error";
import { handleError } from "./http/handle-error";
import { services } from "./http/services";
import { usageStream } from "./http/usage-stream";
import { honoPath } from "./openapi/route-spec";
import { ROUTES } from "./routes";
import { registerDocs } from "./routes/docs";

/** The API's table of contents: middlewares, then every route of src/routes/index.ts. */
export function createApp(): Hono<HonoEnv> {
  const app = new Hono<HonoEnv>();
  app.use(requestId());
  app.use(timing({ crossOrigin: true }));
  app.onError(handleError);
  app.notFound(() => {
    throw new ApiError("NOT_FOUND", "no such route; the API is described at /docs and /openapi.json");
  });

  registerDocs(app);
  app.use("/api/*", services());
  app.use("/api/*", usageStream());
  for (const route of ROUTES) {
    route.register(app);
  }
  registerMethodNotAllowed(app);
  return app;
}

/**
 * A path that exists answers other methods with 405 and the `Allow` header (RFC 9110), not a 404
 * that would suggest the path is wrong. Registered after the routes, so it only sees what they did not.
 */
function registerMethodNotAllowed(app: Hono<HonoEnv>): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const { spec } of ROUTES) {
    const methods = methodsByPath.get(honoPath(spec)) ?? new Set<string>();
    methods.add(spec.method.toUpperCase());
    if (spec.method === "get") {
      methods.add("HEAD");
    }
    methodsByPath.set(honoPath(spec), methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods].sort().join(", ");
    app.all(path, () => {
      throw new ApiError(
        "METHOD_NOT_ALLOWED",
        `this path answers ${allow}`,
        { allow: [...methods].sort() },
        {
          Allow: allow,
        },
      );
    });
  }
}
