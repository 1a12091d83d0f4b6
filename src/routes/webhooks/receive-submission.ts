import type { Hono } from "hono";
import * as z from "zod/mini";
import { parseApiKey } from "../../core/auth/api-key";
import { handleSubmission } from "../../core/webhooks/handle-submission";
import type { HonoEnv } from "../../env";
import { ApiError } from "../../errors";
import { limitBody } from "../../middleware/limit-body";
import { documented } from "../../openapi/documented";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { withLlmTiming } from "../contacts/llm-timing";
import { FieldValueSchema, metadataObjectSchema } from "../contacts/schema";
import { errorResponses } from "../openapi-errors";
import { readBody } from "../read-body";

const WebhookAnswerSchema = documented(
  z.object({
    ai_contact_id: z.uuid(),
    source: documented(
      z.enum(["typeform", "tally", "jotform", "webflow", "google_forms", "zapier", "make", "generic"]),
      {
        description: "The form builder the payload was recognised as.",
      },
    ),
    event_id: documented(z.nullable(z.string()), {
      description: "The submission's own id, used to recognise retries.",
    }),
    fields: z.array(FieldValueSchema),
  }),
  { id: "WebhookAnswer" },
);

export const receiveSubmissionRoute = defineRoute({
  method: "post",
  path: "/api/webhooks/{token}",
  operationId: "receiveFormSubmission",
  tags: ["Webhooks"],
  summary: "Receive a form builder's submission",
  description:
    "Point Typeform, Tally, Jotform, Webflow, Google Forms (Apps Script), Zapier or Make at this URL (created with `npm run admin -- webhook create`). The token in the URL is the only credential and can do nothing else. Known payloads are turned into question -> answer pairs; anything else is read like update-metadata. The contact is the submission's ai_contact_id (a hidden field, a body field, or `?ai_contact_id=` on the URL), else the tenant's contact with the submitted email, else with the submitted phone. When the webhook has a signing secret, the builder's signature (Typeform-Signature, Tally-Signature, x-webflow-signature, or X-Signature: sha256=<hex HMAC of the body>) is required. A retried submission (same event/response id) is answered with the first answer and changes nothing.",
  params: z.object({ token: documented(z.string(), { description: "The webhook URL token (`whk_...`)." }) }),
  body: {
    content: {
      "application/json": documented(metadataObjectSchema(), { description: "The builder's own payload." }),
      "application/x-www-form-urlencoded": metadataObjectSchema(),
      "multipart/form-data": metadataObjectSchema(),
    },
  },
  responses: {
    200: {
      description: "Applied (or already applied: a retry gets the first answer).",
      schema: WebhookAnswerSchema,
    },
    ...errorResponses,
  },
});

export function registerReceiveSubmission(app: Hono<HonoEnv>): void {
  app.post(honoPath(receiveSubmissionRoute), limitBody(), async (c) => {
    const claim = await parseApiKey(c.req.param("token") ?? "", "whk");
    if (!claim) {
      throw new ApiError("UNAUTHORIZED", "unknown or revoked webhook URL");
    }
    const services = c.get("services");
    if (services.rateLimiter && !(await services.rateLimiter.limit({ key: claim.hash })).success) {
      throw new ApiError("RATE_LIMITED", "rate limit of this webhook exceeded; retry later", undefined, {
        "Retry-After": "60",
      });
    }
    const { raw, body } = await readBody(c);
    const caller = { tenantId: claim.tenantId, keyHash: claim.hash, via: "webhook" as const };
    const { replayed, answer } = await withLlmTiming(c, (deps) =>
      handleSubmission(
        { ...deps, webhooks: services.webhooks },
        {
          caller,
          requestId: c.get("requestId"),
          rawBody: raw,
          headers: (name) => c.req.header(name),
          body,
          queryContactId: c.req.query("ai_contact_id") ?? c.req.query("aiContactId"),
        },
      ),
    );
    if (replayed) {
      c.header("x-webhook-replay", "true");
    }
    return c.json(answer, 200);
  });
}
