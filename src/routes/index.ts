import type { Hono } from "hono";
import type { HonoEnv } from "../env";
import type { RouteSpec } from "../openapi/route-spec";
import { activityRoute, registerContactActivity } from "./contacts/activity";
import { bulkUpdateMetadataRoute, registerBulkUpdateMetadata } from "./contacts/bulk-update-metadata";
import { createContactRoute, registerCreateContact } from "./contacts/create";
import { getContactInfoRoute, registerGetContactInfo } from "./contacts/get-info";
import { registerSearchContacts, searchContactsRoute } from "./contacts/search";
import { registerUpdateContactMetadata, updateMetadataRoute } from "./contacts/update-metadata";
import { registerUpsertContact, upsertContactRoute } from "./contacts/upsert";
import { deleteCustomFieldRoute, registerDeleteCustomField } from "./custom-fields/delete";
import { deleteAliasRoute, registerDeleteAlias } from "./custom-fields/delete-alias";
import { listCustomFieldsRoute, registerListCustomFields } from "./custom-fields/list";
import { putCustomFieldRoute, registerPutCustomField } from "./custom-fields/put";
import { getUsageRoute, registerGetUsage } from "./usage/get-usage";
import { createWebhookEndpointRoute, registerCreateWebhookEndpoint } from "./webhook-endpoints/create";
import { deleteWebhookEndpointRoute, registerDeleteWebhookEndpoint } from "./webhook-endpoints/delete";
import { listWebhookEndpointsRoute, registerListWebhookEndpoints } from "./webhook-endpoints/list";
import { listEventDeliveriesRoute, registerListEventDeliveries } from "./webhook-endpoints/list-deliveries";
import { registerRetryEventDelivery, retryEventDeliveryRoute } from "./webhook-endpoints/retry-delivery";
import { receiveSubmissionRoute, registerReceiveSubmission } from "./webhooks/receive-submission";

/**
 * Every public operation, in the order the OpenAPI document lists them: the app registers exactly
 * these, and the document describes exactly these, so the two cannot drift.
 */
export const ROUTES: readonly { spec: RouteSpec; register: (app: Hono<HonoEnv>) => void }[] = [
  // Contacts
  { spec: updateMetadataRoute, register: registerUpdateContactMetadata },
  { spec: bulkUpdateMetadataRoute, register: registerBulkUpdateMetadata },
  { spec: getContactInfoRoute, register: registerGetContactInfo },
  { spec: createContactRoute, register: registerCreateContact },
  // The read side: history, search, and updates by email or phone
  { spec: activityRoute, register: registerContactActivity },
  { spec: searchContactsRoute, register: registerSearchContacts },
  { spec: upsertContactRoute, register: registerUpsertContact },
  // Custom field definitions (the Postgres ledger)
  { spec: listCustomFieldsRoute, register: registerListCustomFields },
  { spec: putCustomFieldRoute, register: registerPutCustomField },
  { spec: deleteCustomFieldRoute, register: registerDeleteCustomField },
  { spec: deleteAliasRoute, register: registerDeleteAlias },
  // What the tenant spends (issue 15)
  { spec: getUsageRoute, register: registerGetUsage },
  // Form builders' webhooks (a URL token instead of an API key)
  { spec: receiveSubmissionRoute, register: registerReceiveSubmission },
  // Webhook endpoints: change events out (signed, through the events queue)
  { spec: createWebhookEndpointRoute, register: registerCreateWebhookEndpoint },
  { spec: listWebhookEndpointsRoute, register: registerListWebhookEndpoints },
  { spec: deleteWebhookEndpointRoute, register: registerDeleteWebhookEndpoint },
  { spec: listEventDeliveriesRoute, register: registerListEventDeliveries },
  { spec: retryEventDeliveryRoute, register: registerRetryEventDelivery },
];

export const ROUTE_SPECS: readonly RouteSpec[] = ROUTES.map((r) => r.spec);
