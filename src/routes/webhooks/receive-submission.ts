import type { Hono } from "hono";
import * as z from "zod/mini";
import type { HonoEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { callerFrom, credentialRefused, refusedCredential } from "../../http/api-key-auth";
import { BODY_ERRORS, errorResponses } from "../../http/error-responses";
import { limitBody } from "../../http/limit-body";
import { readBody } from "../../http/read-body";
import { respond } from "../../http/respond";
import { valid } from "../../http/validate";
import { documented } from "../../openapi/documented";
import { defineRoute, honoPath } from "../../openapi/route-spec";
import { receiveSubmission } from "../../services/webhooks/receive-submission";
import { FieldValueSchema, metadataObjectSchema } from "../contacts/schema";

const WebhookAnswerSchema = documented(
  z.object({
    ai_contact_id: z.uuid(),
    source: documented(
      z.enum(["typeform", "tally", "jotform", "webflow", "google_forms", "zapier", "make", "generic"]),
      { description: "The form builder the payload was recognised as." },
    ),
    event_id: documented(z.nullable(z.string()), {
      description: "The submission's own id, used to recognise retries.",
    }),
    fields: z.array(FieldValueSchema),
  }),
  { id: "WebhookAnswer" },
);

const TokenParamSchema = z.object({
  token: documented(z.string(), { description: "The webhook URL token (`whk_...`): the only credential." }),
});

export const receiveSubmissionRoute = defineRoute({
  method: "post",
  path: "/api/webhooks/{token}",
  operationId: "receiveFormSubmission",
  tags: ["Webhooks"],
  summary: "Receive a form builder's submission",
  description:
    "Point Typeform, Tally, Jotform, Webflow, Google Forms (Apps Script), Zapier or Make at this URL (created with `npm run admin -- webhook create`). The token in the URL is the only credential and can do nothing else. Known payloads are turned into question -> answer pairs; anything else is read like update-metadata. The contact is the submission's ai_contact_id (a hidden field, a body field, or `?ai_contact_id=` on the URL), else the tenant's contact with the submitted email, else with the submitted phone. When the webhook has a signing secret, the builder's signature (Typeform-Signature, Tally-Signature, x-webflow-signature, or X-Signature: sha256=<hex HMAC of the body>) is required, and the contact and the retry id come from the signed body only (`?ai_contact_id=` and `Idempotency-Key` are ignored). A retried submission (same event/response id) is answered with the first answer and changes nothing.",
  params: TokenParamSchema,
  body: {
    content: {
      "application/json": documented(metadataObjectSchema(), { description: "The builder's own payload." }),
      "application/x-www-form-urlencoded": metadataObjectSchema(),
      "multipart/form-data": metadataObjectSchema(),
    },
  },
  responses: {
    200: {
      description:
        "Applied (or already applied: a retry gets the first answer, with `x-webhook-replay: true`).",
      schema: WebhookAnswerSchema,
    },
    ...errorResponses(...BODY_ERRORS, "NOT_FOUND", "DEFINITION_LIMIT_EXCEEDED"),
  },
});

export function registerReceiveSubmission(app: Hono<HonoEnv>): void {
  app.post(honoPath(receiveSubmissionRoute), limitBody(), valid("param", TokenParamSchema), async (c) => {
    const caller = await callerFrom(c, c.req.valid("param").token, "whk");
    if (!caller) {
      throw new ApiError("UNAUTHORIZED", "unknown or revoked webhook URL");
    }
    const { raw, body } = await readBody(c);
    const received = await receiveSubmission(c.get("services"), {
      caller,
      requestId: c.get("requestId"),
      rawBody: raw,
      headers: (name) => c.req.header(name),
      body,
      queryContactId: c.req.query("ai_contact_id") ?? c.req.query("aiContactId"),
    }).catch(async (err: unknown) => {
      if (refusedCredential(err)) {
        await credentialRefused(c, caller);
      }
      throw err;
    });
    const { replayed, answer } = received;
    if (!replayed) {
      return respond(c, receiveSubmissionRoute, 200, answer);
    }
    // The first answer comes back from storage: parsed, not trusted, before it reaches the client.
    return c.json(z.parse(WebhookAnswerSchema, answer), 200, { "x-webhook-replay": "true" });
  });
}
