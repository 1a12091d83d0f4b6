// Helpers of the read-side tests (history, search, upsert): requests as a client sends them.
import { call, postJson, query, type TenantFixture } from "../harness";

export const upsert = (apiKey: string | undefined, body: unknown) =>
  postJson("/api/public/contacts/upsert", apiKey, body);

export const search = (apiKey: string | undefined, body: unknown) =>
  postJson("/api/public/contacts/search", apiKey, body);

export const bulk = (apiKey: string | undefined, body: unknown) =>
  postJson("/api/public/contacts/update-metadata", apiKey, body);

export function activity(
  t: Pick<TenantFixture, "apiKey">,
  contactId: string,
  params: Record<string, string> = {},
): Promise<Response> {
  const qs = new URLSearchParams(params).toString();
  return call(`/api/public/contact/${contactId}/activity${qs ? `?${qs}` : ""}`, {
    headers: { "x-api-key": t.apiKey },
  });
}

export interface ActivityChange {
  key: string;
  source_key: string;
  old_value: string | null;
  new_value: string | null;
}

export interface ActivityEntry {
  id: string;
  created_at: string;
  kind: string;
  request_id: string;
  api_key_prefix: string | null;
  webhook_id: string | null;
  changes: ActivityChange[];
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export const contactsOf = (tenantId: string) =>
  query<{ id: string; name: string | null; email: string | null; phone: string | null }>(
    "SELECT id, name, email, phone FROM contacts WHERE tenant_id = $1 ORDER BY created_at, id",
    [tenantId],
  );

export const count = async (sql: string, params: unknown[]) =>
  Number((await query<{ n: string }>(sql, params))[0]?.n);

/** A well-formed cursor of the search list: the history must refuse it. */
export const encodeSearchCursor = (contactId: string) =>
  btoa(`search:${contactId}`).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
