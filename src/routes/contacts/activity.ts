import type { Hono } from "hono";
import * as z from "zod/mini";
import type { HonoEnv } from "../../env";
import { apiKeyAuth } from "../../http/api-key-auth";
import { errorResponses } from "../../http/error-responses";
import { respond } from "../../http/respond";
import { valid } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { contactActivity } from "../../services/contact-reads";
import { ContactIdParamSchema } from "./schema";

const MAX_PAGE = 100;

/** `limit` as the query string carries it: digits, 1..max. */
const limitParam = (max: number, fallback: number) =>
  z.optional(
    documented(
      z.string().check(
        z.refine((v) => /^[0-9]{1,3}$/.test(v) && Number(v) >= 1 && Number(v) <= max, {
          message: `expected a whole number from 1 to ${max}`,
        }),
      ),
      { description: `Entries per page, 1-${max} (default ${fallback}).`, example: String(fallback) },
    ),
  );

const ActivityQuerySchema = z.object({
  limit: limitParam(MAX_PAGE, 20),
  cursor: z.optional(
    documented(z.string(), {
      description: "`next_cursor` of the previous page, exactly as returned. Anything else is a 400.",
    }),
  ),
  key: z.optional(
    documented(z.string(), {
      description:
        "Only entries that changed this field, each with just that change: the field's history. Normalised like an update's key (`Company Name` = `company_name`), compared with the key the value is stored under.",
      example: "company_name",
    }),
  ),
});

const ChangeSchema = z.object({
  key: documented(z.string(), { description: "The field's key.", example: "company_name" }),
  source_key: documented(z.string(), { description: "The key as it was sent.", example: "companyName" }),
  old_value: documented(z.nullable(z.string()), { description: "Before; null when the field had no value." }),
  new_value: documented(z.nullable(z.string()), { description: "After; null when it was cleared." }),
});

export const ActivityEntrySchema = documented(
  z.object({
    id: z.uuid(),
    created_at: documented(z.string(), { example: "2026-11-25T10:00:00.000Z" }),
    kind: documented(z.string(), { example: "metadata_updated" }),
    request_id: documented(z.string(), { description: "The x-request-id of the request that made it." }),
    api_key_prefix: documented(z.nullable(z.string()), {
      description: "Who: the visible prefix of the API key (null for a webhook, or a deleted key).",
      example: "cmk_3f1c2b7e",
    }),
    webhook_id: documented(z.nullable(z.string()), {
      description: "Who: the form-builder webhook that delivered it (null for an API key).",
    }),
    changes: z.array(ChangeSchema),
  }),
  { id: "ActivityEntry" },
);

const ActivityPageSchema = documented(
  z.object({
    data: z.array(ActivityEntrySchema),
    next_cursor: documented(z.nullable(z.string()), {
      description: "Pass as `cursor` for the next (older) page; null on the last page.",
    }),
  }),
  { id: "ActivityPage" },
);

export const activityRoute = defineRoute({
  method: "get",
  path: "/api/public/contact/{aiContactId}/activity",
  operationId: "getContactActivity",
  tags: ["Contacts"],
  summary: "A contact's history: who changed which field from what to what, and when",
  description:
    "Newest first, one database round trip. Each entry is one request that changed the contact (one activity row): its changes with old and new values, and who made it. With `key`, the history of one field. Pages are cut by a sequence number taken when each row is written, after the locks on the values it changed were granted: the order is the order in which changes were applied (the history of a field chains: each entry's old_value is the next older entry's new_value), and paging while others write never repeats or skips an entry: one written after the first page was read is newer than every entry the pages show, and appears on a new first page.",
  secured: true,
  params: ContactIdParamSchema,
  query: ActivityQuerySchema,
  responses: {
    200: { description: "One page of the history.", schema: ActivityPageSchema },
    ...errorResponses("BAD_REQUEST", "NOT_FOUND"),
  },
});

export function registerContactActivity(app: Hono<HonoEnv>): void {
  app.get(
    honoPath(activityRoute),
    apiKeyAuth(),
    valid("param", ContactIdParamSchema),
    valid("query", ActivityQuerySchema),
    async (c) => {
      const query = c.req.valid("query");
      const page = await contactActivity(c.get("services"), {
        caller: c.get("caller"),
        requestId: c.get("requestId"),
        contactId: c.req.valid("param").aiContactId,
        limit: Number(query.limit ?? 20),
        cursor: query.cursor ?? null,
        key: query.key ?? null,
      });
      return respond(c, activityRoute, 200, page);
    },
  );
}
