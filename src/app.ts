import { requestId } from "hono/request-id";
import { timing } from "hono/timing";
import { Hono } from "hono/tiny";
import type { HonoEnv } from "./env";
import { ApiError, handleError } from "./errors";
import { services } from "./middleware/services";
import {
  registerUpdateContactsMetadata,
  updateContactsMetadataRoute,
} from "./routes/bulk/update-contacts-metadata";
import { createContactRoute, registerCreateContact } from "./routes/contacts/create-contact";
import { getContactInfoRoute, registerGetContactInfo } from "./routes/contacts/get-info";
import { registerUpdateContactMetadata, updateMetadataRoute } from "./routes/contacts/update-metadata";
import { deleteCustomFieldRoute, registerDeleteCustomField } from "./routes/custom-fields/delete";
import { listCustomFieldsRoute, registerListCustomFields } from "./routes/custom-fields/list";
import { putCustomFieldRoute, registerPutCustomField } from "./routes/custom-fields/put";
import { registerDocs } from "./routes/docs";
import { receiveSubmissionRoute, registerReceiveSubmission } from "./routes/webhooks/receive-submission";

/** The API's table of contents: middlewares, then one register call per route. */
export function createApp(): Hono<HonoEnv> {
  const app = new Hono<HonoEnv>();
  app.use(requestId());
  app.use(timing({ crossOrigin: true }));
  app.onError(handleError);
  app.notFound(() => {
    throw new ApiError("NOT_FOUND", "no such route");
  });

  registerDocs(app, [
    updateMetadataRoute,
    updateContactsMetadataRoute,
    getContactInfoRoute,
    createContactRoute,
    listCustomFieldsRoute,
    putCustomFieldRoute,
    deleteCustomFieldRoute,
    receiveSubmissionRoute,
  ]);

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
