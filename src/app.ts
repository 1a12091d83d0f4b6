import { requestId } from "hono/request-id";
import { timing } from "hono/timing";
import { Hono } from "hono/tiny";
import type { HonoEnv } from "./env";
import { ApiError } from "./http/api-error";
import { handleError } from "./http/handle-error";
import { services } from "./http/services";
import { usageStream } from "./http/usage-stream";
import { ROUTES } from "./routes";
import { registerDocs } from "./routes/docs";

/** The API's table of contents: middlewares, then every route of src/routes/index.ts. */
export function createApp(): Hono<HonoEnv> {
  const app = new Hono<HonoEnv>();
  app.use(requestId());
  app.use(timing({ crossOrigin: true }));
  app.onError(handleError);
  app.notFound(() => {
    throw new ApiError("NOT_FOUND", "no such route");
  });

  registerDocs(app);
  app.use("/api/*", services());
  app.use("/api/*", usageStream());
  for (const route of ROUTES) {
    route.register(app);
  }
  return app;
}
