import { DomainError } from "../core/errors";
import { definitionIdFor } from "../core/fields/definition-id";
import { toFieldKey } from "../core/fields/field-key";
import { type PutDefinitionBody, prepareDefinition } from "../core/fields/put-definition";
import { unauthenticated } from "./caller";
import { keepDefinitionsCurrent } from "./definitions";
import type { Deps } from "./deps";
import type { Caller, DefinitionRecord } from "./ports";

// The custom-fields API: each operation is ONE statement on the Postgres ledger (the credential
// checked inside it), then the KV projection is brought up to date after the response.

export async function listCustomFields(deps: Deps, caller: Caller) {
  const listed = await deps.definitions.list(caller);
  if (listed.status === "unauthorized") {
    throw unauthenticated(caller);
  }
  return { data: listed.definitions, count: listed.count, limit: listed.limit, version: listed.version };
}

export async function putCustomField(
  deps: Deps,
  input: { caller: Caller; requestId: string; key: string; body: PutDefinitionBody },
): Promise<{ created: boolean; definition: DefinitionRecord; version: number }> {
  const { caller } = input;
  const definition = prepareDefinition(caller.tenantId, input.key, input.body);
  const put = await deps.definitions.put(caller, definition, input.requestId);
  switch (put.status) {
    case "unauthorized":
      throw unauthenticated(caller);
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
  keepDefinitionsCurrent(deps, caller.tenantId, undefined, put.delta.to, put.delta);
  return { created: put.created, definition: put.definition, version: put.delta.to };
}

export async function deleteCustomField(deps: Deps, input: { caller: Caller; key: string }) {
  const { caller } = input;
  const key = toFieldKey(input.key);
  const removed = await deps.definitions.remove(caller, definitionIdFor(caller.tenantId, key));
  if (removed.status === "unauthorized") {
    throw unauthenticated(caller);
  }
  if (removed.status === "not_found") {
    throw new DomainError("NOT_FOUND", `custom field "${key}" not found`);
  }
  keepDefinitionsCurrent(deps, caller.tenantId, undefined, removed.delta.to, removed.delta);
  return { key, deleted: true as const, version: removed.delta.to };
}

export async function unlearnAlias(deps: Deps, input: { caller: Caller; key: string; alias: string }) {
  const { caller } = input;
  const key = toFieldKey(input.key);
  const alias = toFieldKey(input.alias);
  const removed = await deps.definitions.unlearn(caller, definitionIdFor(caller.tenantId, key), alias);
  if (removed.status === "unauthorized") {
    throw unauthenticated(caller);
  }
  if (removed.status === "not_found") {
    throw new DomainError("NOT_FOUND", `custom field "${key}" has no alias "${alias}"`);
  }
  keepDefinitionsCurrent(deps, caller.tenantId, undefined, removed.delta.to, removed.delta);
  return { key, alias, deleted: true as const, version: removed.delta.to };
}
