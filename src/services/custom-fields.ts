import { DomainError } from "../core/errors";
import { definitionIdFor } from "../core/fields/definition-id";
import { toFieldKey } from "../core/fields/field-key";
import { type PutDefinitionBody, prepareDefinition } from "../core/fields/put-definition";
import type { IdempotencyClaim } from "../core/idempotency/idempotency";
import { unauthenticated } from "./caller";
import { keepDefinitionsCurrent } from "./definitions";
import type { Deps } from "./deps";
import { answerEarlierClaim } from "./idempotency";
import type { Caller, DefinitionRecord } from "./ports";
import { meterServed, usageRecord } from "./usage";

// The custom-fields API: each operation is ONE statement on the Postgres ledger (the credential
// checked inside it), then the KV projection is brought up to date after the response.

export async function listCustomFields(deps: Deps, input: { caller: Caller; requestId: string }) {
  const { caller } = input;
  const listed = await deps.definitions.list(caller, usageRecord(deps, input.requestId));
  if (listed.status === "unauthorized") {
    throw unauthenticated(caller);
  }
  meterServed(deps, caller, { requests: 1 });
  return { data: listed.definitions, count: listed.count, limit: listed.limit, version: listed.version };
}

export async function putCustomField(
  deps: Deps,
  input: {
    caller: Caller;
    requestId: string;
    key: string;
    body: PutDefinitionBody;
    idempotency?: IdempotencyClaim | undefined;
  },
): Promise<{ created: boolean; definition: DefinitionRecord; version: number }> {
  const { caller } = input;
  const definition = prepareDefinition(caller.tenantId, input.key, input.body);
  const put = await deps.definitions.put(caller, definition, input.requestId, {
    idempotency: input.idempotency,
    usage: usageRecord(deps, input.requestId),
  });
  switch (put.status) {
    case "unauthorized":
      throw unauthenticated(caller);
    case "claimed_earlier":
      meterServed(deps, caller, { requests: 0 });
      return answerEarlierClaim(put.earlier, input.idempotency);
    case "conflict":
      throw new DomainError(
        "CONFLICT",
        `name(s) already used by another custom field: ${put.names.map((n) => `"${n.name}" (${n.owner})`).join(", ")}`,
        { names: put.names },
      );
    case "limit_exceeded":
      throw new DomainError(
        "DEFINITION_LIMIT_EXCEEDED",
        `the tenant already has ${put.count} of its ${put.limit} custom field definitions`,
        { limit: put.limit, count: put.count, keys: put.keys },
      );
  }
  meterServed(deps, caller, { requests: 1 });
  keepDefinitionsCurrent(deps, caller.tenantId, undefined, put.delta.to, put.delta);
  return { created: put.created, definition: put.definition, version: put.delta.to };
}

export async function deleteCustomField(
  deps: Deps,
  input: { caller: Caller; requestId: string; key: string },
) {
  const { caller } = input;
  const key = toFieldKey(input.key);
  const removed = await deps.definitions.remove(
    caller,
    definitionIdFor(caller.tenantId, key),
    usageRecord(deps, input.requestId),
  );
  if (removed.status === "unauthorized") {
    throw unauthenticated(caller);
  }
  if (removed.status === "not_found") {
    throw new DomainError("NOT_FOUND", `custom field "${key}" not found`);
  }
  meterServed(deps, caller, { requests: 1 });
  keepDefinitionsCurrent(deps, caller.tenantId, undefined, removed.delta.to, removed.delta);
  return { key, deleted: true as const, version: removed.delta.to };
}

export async function unlearnAlias(
  deps: Deps,
  input: { caller: Caller; requestId: string; key: string; alias: string },
) {
  const { caller } = input;
  const key = toFieldKey(input.key);
  const alias = toFieldKey(input.alias);
  const removed = await deps.definitions.unlearn(
    caller,
    definitionIdFor(caller.tenantId, key),
    alias,
    usageRecord(deps, input.requestId),
  );
  if (removed.status === "unauthorized") {
    throw unauthenticated(caller);
  }
  if (removed.status === "not_found") {
    throw new DomainError("NOT_FOUND", `custom field "${key}" has no alias "${alias}"`);
  }
  meterServed(deps, caller, { requests: 1 });
  keepDefinitionsCurrent(deps, caller.tenantId, undefined, removed.delta.to, removed.delta);
  return { key, alias, deleted: true as const, version: removed.delta.to };
}
