import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { timing } from "hono/timing";
import type { HonoEnv } from "./env";
import { ApiError, handleError, handleValidationError } from "./errors";
import { services } from "./middleware/services";
import { registerCreateContact } from "./routes/contacts/create-contact";
import { registerGetContactInfo } from "./routes/contacts/get-info";
import { registerUpdateContactMetadata } from "./routes/contacts/update-metadata";
import { registerDeleteCustomField } from "./routes/custom-fields/delete";
import { registerListCustomFields } from "./routes/custom-fields/list";
import { registerPutCustomField } from "./routes/custom-fields/put";
import { registerDocs } from "./routes/docs";

/** The API's table of contents: middlewares, then one register call per route. */
export function createApp(): OpenAPIHono<HonoEnv> {
  const app = new OpenAPIHono<HonoEnv>({ defaultHook: handleValidationError });
  app.use(requestId());
  app.use(timing({ crossOrigin: true }));
  app.onError(handleError);
  app.notFound(() => {
    throw new ApiError("NOT_FOUND", "no such route");
  });

  registerDocs(app);

  app.use("/api/*", services());
  // Contacts
  registerUpdateContactMetadata(app);
  registerGetContactInfo(app);
  registerCreateContact(app);
  // Custom field definitions (KV)
  registerListCustomFields(app);
  registerPutCustomField(app);
  registerDeleteCustomField(app);

  return app;
}
