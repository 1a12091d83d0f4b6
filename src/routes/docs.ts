import { swaggerUI } from "@hono/swagger-ui";
import type { Hono } from "hono";
import type { HonoEnv } from "../env";
import document from "../generated/openapi.json";

export function registerDocs(app: Hono<HonoEnv>): void {
  // Someone who opens the service's address finds where it is described.
  app.get("/", (c) =>
    c.json({ name: "Contact metadata API", docs: "/docs", openapi: "/openapi.json" }, 200, {
      Link: '</docs>; rel="service-doc", </openapi.json>; rel="service-desc"',
    }),
  );
  app.get("/openapi.json", (c) => c.json(document));
  app.get("/docs", swaggerUI({ url: "/openapi.json" }));
}
