import { generateToken, parseApiKey, prefixOf } from "../../src/core/auth/api-key";
import type { Query } from "./pg-query";
import { assertTenantId } from "./tenants";

export const webhookPath = (token: string) => `/api/webhooks/${token}`;

/** A webhook URL for a tenant; the token is shown once and stored only as a hash, like API keys. */
export async function createWebhook(
  query: Query,
  tenantId: string,
  signingSecret?: string,
): Promise<{ webhook_id: string; token: string; prefix: string; path: string; signed: boolean }> {
  assertTenantId(tenantId);
  // An empty HMAC key lets anyone who knows the URL sign a submission: refuse rather than "sign".
  if (signingSecret !== undefined && signingSecret.trim() === "") {
    throw new Error("a webhook's signing secret must not be blank");
  }
  const token = await generateToken("whk", tenantId);
  const [row] = await query<{ id: string }>(
    "INSERT INTO webhooks (tenant_id, prefix, token_hash, signing_secret) VALUES ($1, $2, $3, $4) RETURNING id",
    [tenantId, token.prefix, token.hash, signingSecret ?? null],
  );
  if (!row) {
    throw new Error("webhook insert returned no row");
  }
  return {
    webhook_id: row.id,
    token: token.key,
    prefix: token.prefix,
    path: webhookPath(token.key),
    signed: signingSecret !== undefined,
  };
}

export async function listWebhooks(query: Query, tenantId: string) {
  return query<{
    webhook_id: string;
    prefix: string;
    signed: boolean;
    created_at: string;
    revoked_at: string | null;
  }>(
    `SELECT id AS webhook_id, prefix, signing_secret IS NOT NULL AS signed, created_at, revoked_at
     FROM webhooks WHERE tenant_id = $1 ORDER BY created_at`,
    [tenantId],
  );
}

/** Revokes by full token (matched by hash), visible prefix or id; an ambiguous prefix revokes nothing. */
export async function revokeWebhook(query: Query, tokenPrefixOrId: string): Promise<{ revoked: string[] }> {
  const claim = await parseApiKey(tokenPrefixOrId, "whk");
  const rows = claim
    ? await query<{ id: string; prefix: string }>(
        "SELECT id, prefix FROM webhooks WHERE token_hash = $1 AND revoked_at IS NULL",
        [claim.hash],
      )
    : await query<{ id: string; prefix: string }>(
        "SELECT id, prefix FROM webhooks WHERE (prefix = $1 OR id::text = $2) AND revoked_at IS NULL",
        [prefixOf(tokenPrefixOrId, "whk"), tokenPrefixOrId],
      );
  if (rows.length > 1) {
    throw new Error(`${tokenPrefixOrId} matches ${rows.length} webhooks; pass the whole token or the id`);
  }
  if (rows.length > 0) {
    await query("UPDATE webhooks SET revoked_at = now() WHERE id = ANY($1::uuid[])", [rows.map((r) => r.id)]);
  }
  return { revoked: rows.map((r) => r.prefix) };
}
