import { swaggerUI } from "@hono/swagger-ui";
import type { Hono } from "hono";
import type { HonoEnv } from "../env";
import document from "../generated/openapi.json";

export function registerDocs(app: Hono<HonoEnv>): void {
  app.get("/openapi.json", (c) => c.json(document));
  app.get("/docs", swaggerUI({ url: "/openapi.json" }));
}
