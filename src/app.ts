import { requestId } from "hono/request-id";
import { timing } from "hono/timing";
import { Hono } from "hono/tiny";
import type { HonoEnv } from "./env";
import { ApiError, handleError } from "./errors";
import { services } from "./middleware/services";
import { registerUpdateContactsMetadata } from "./routes/bulk/update-contacts-metadata";
import { registerCreateContact } from "./routes/contacts/create-contact";
import { registerGetContactInfo } from "./routes/contacts/get-info";
import { registerUpdateContactMetadata } from "./routes/contacts/update-metadata";
import { registerDeleteCustomField } from "./routes/custom-fields/delete";
import { registerListCustomFields } from "./routes/custom-fields/list";
import { registerPutCustomField } from "./routes/custom-fields/put";
import { registerDocs } from "./routes/docs";
import { registerReceiveSubmission } from "./routes/webhooks/receive-submission";

/** The API's table of contents: middlewares, then one register call per route. */
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
  // Contacts
  registerUpdateContactMetadata(app);
  registerUpdateContactsMetadata(app);
  registerGetContactInfo(app);
  registerCreateContact(app);
  // Custom field definitions (KV)
  registerListCustomFields(app);
  registerPutCustomField(app);
  registerDeleteCustomField(app);
  // Form builders' webhooks (a URL token instead of an API key)
  registerReceiveSubmission(app);

  return app;
}
