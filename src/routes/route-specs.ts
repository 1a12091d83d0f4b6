import type { RouteSpec } from "../openapi/route-spec";
import { updateContactsMetadataRoute } from "./bulk/update-contacts-metadata";
import { createContactRoute } from "./contacts/create-contact";
import { getContactInfoRoute } from "./contacts/get-info";
import { updateMetadataRoute } from "./contacts/update-metadata";
import { deleteCustomFieldRoute } from "./custom-fields/delete";
import { listCustomFieldsRoute } from "./custom-fields/list";
import { putCustomFieldRoute } from "./custom-fields/put";
import { receiveSubmissionRoute } from "./webhooks/receive-submission";

/** Every public operation, in the order the OpenAPI document lists them. */
export const ROUTE_SPECS: readonly RouteSpec[] = [
  updateMetadataRoute,
  updateContactsMetadataRoute,
  getContactInfoRoute,
  createContactRoute,
  listCustomFieldsRoute,
  putCustomFieldRoute,
  deleteCustomFieldRoute,
  receiveSubmissionRoute,
];
