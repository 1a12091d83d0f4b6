import { swaggerUI } from "@hono/swagger-ui";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../env";

export function registerDocs(app: OpenAPIHono<HonoEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "ApiKey", {
    type: "apiKey",
    in: "header",
    name: "x-api-key",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "Bearer", { type: "http", scheme: "bearer" });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Contact metadata API",
      version: "1.0.0",
      description: [
        "Attach any data to a contact with one call; it lands in the right custom field as a string.",
        "",
        "Decisions where the contract is silent:",
        "- A body without Content-Type is read as JSON; an empty body is `{}`.",
        "- Numbers keep the exact text sent (`1.50` stays `1.50`, `1e3` stays `1e3`).",
        "- A null inside an array is skipped; an empty array stores an empty string.",
        "- An empty body or `{}` writes nothing and no activity row, but the key and contact are still checked.",
        "- A contact id that is not a UUID is a contact that does not exist (404).",
        "- A definition's key or label match counts as `exact`; an alias match as `alias`.",
        "- Every error has the body `{error: {code, message, details?}, request_id}`; `x-request-id` is on every response.",
      ].join("\n"),
    },
  });
  app.get("/docs", swaggerUI({ url: "/openapi.json" }));
}
