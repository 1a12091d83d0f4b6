// A typed client of the API: openapi-fetch with the types openapi-typescript generated from the
// OpenAPI document (examples/generated/api.d.ts, rewritten by `npm run openapi`). Paths, path
// parameters, bodies and answers are all checked by `npm run typecheck`: a renamed route or a
// changed response field breaks this file, not a customer.
//
// Against `npm run dev` (it prints a demo key and contact id):
//   API_KEY=cmk_... CONTACT_ID=... npx tsx examples/client.ts
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api";

type FieldValue = components["schemas"]["FieldValue"];

const apiKey = process.env.API_KEY;
const contactId = process.env.CONTACT_ID;
if (!apiKey || !contactId) {
  console.error("set API_KEY and CONTACT_ID (npm run dev prints both)");
  process.exit(2);
}

// The document's server is relative ("/"), so the client names the host.
const client = createClient<paths>({
  baseUrl: process.env.API_URL ?? "http://127.0.0.1:8787",
  headers: { "x-api-key": apiKey },
});

const updated = await client.POST("/api/public/contact/{aiContactId}/update-metadata", {
  params: { path: { aiContactId: contactId } },
  body: { companyName: "Acme", leadScore: 95, tags: ["vip", "beta"] },
});
if (updated.error) {
  // `error` is the API's one error body: { error: { code, message, details? }, request_id }.
  console.error(`${updated.error.error.code}: ${updated.error.error.message} (${updated.error.request_id})`);
  process.exit(1);
}
const describe = (field: FieldValue) =>
  `${field.source_key} -> ${field.key} (${field.matched_by}): ${field.value}`;
console.log(updated.data.map(describe).join("\n"));

const info = await client.GET("/api/public/contact/{aiContactId}/info", {
  params: { path: { aiContactId: contactId } },
});
if (info.error) {
  console.error(`${info.error.error.code}: ${info.error.error.message}`);
  process.exit(1);
}
console.log(info.data.metadata);
