// What the adapter tests of the update statement share (metadata-store.test.ts, outbox.test.ts):
// the store on the test database, a caller from an API key, and a write as the planner makes one.
import { inject } from "vitest";
import { parseApiKey } from "../../core/auth/api-key";
import { definitionIdFor } from "../../core/fields/definition-id";
import type { FieldWrite } from "../../core/metadata/plan-update";
import type { Caller } from "../../services/ports";
import { createDatabase } from "./client";
import { createMetadataStore } from "./metadata-store";

export const store = createMetadataStore(
  createDatabase("postgresql://postgres:postgres@db.localtest.me:5432/app", inject("neonSqlEndpoint")),
);

export function callerOf(apiKey: string): Caller {
  const claim = parseApiKey(apiKey);
  if (!claim) {
    throw new Error("not an API key");
  }
  return { tenantId: claim.tenantId, keyHash: claim.hash, via: "api_key" };
}

export const write = (
  tenantId: string,
  key: string,
  value: string | null,
  matchedBy: FieldWrite["matchedBy"] = "new",
): FieldWrite => ({
  key,
  definitionId: definitionIdFor(tenantId, key),
  value,
  sourceKey: key,
  matchedBy,
});
