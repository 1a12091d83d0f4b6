// Idempotency-Key claims as a SQL fragment for any write statement (issue 15). The claim rides in
// the statement that writes, so it costs no round trip, and the statement's writes are gated on it:
//
//   WITH auth, ${claimCte(claim, requestId)}, <writes ... WHERE EXISTS (SELECT 1 FROM go)>
//   SELECT ..., ${claimColumn(claim)} AS idempotency
//
// `go` has one row when the statement may do its work: the caller is authorized and either sent no
// key or claimed it now. Parse the column with `earlierClaimOf`: non-null means an earlier request
// holds the key, nothing was written, and the row says what to answer (see answerEarlierClaim).
// One statement is one transaction: a statement that fails or refuses itself leaves no claim.
import { type SQL, sql } from "drizzle-orm";
import * as z from "zod/mini";
import type { EarlierClaim, IdempotencyClaim } from "../../core/idempotency/idempotency";
import { SETTLING_SECONDS } from "../../core/idempotency/idempotency";
import type { IdempotencyStore } from "../../services/ports";
import type { Database } from "./client";
import { authCte, run } from "./sql";

/** How long a claim holds its key; after that the key is free again (Stripe's 24 hours). */
export const KEY_LIFETIME = sql`interval '24 hours'`;

/** In ON CONFLICT DO UPDATE, `k` is the row already there: a claim past its lifetime is free. */
const EXPIRED = sql`k.claimed_at <= now() - ${KEY_LIFETIME}`;
const fresh = (column: string, value: SQL) =>
  sql`${sql.raw(column)} = CASE WHEN ${EXPIRED} THEN ${value} ELSE k.${sql.raw(column)} END`;

/**
 * CTEs `idem` (the claim) and `go`. Needs `auth` before it. The claim is an upsert on
 * (api key, key): a new key is inserted; an expired one is taken over in place (atomically: the
 * row is locked); a live one gets a no-op update, whose RETURNING shows the row even when another
 * request committed it after this statement's snapshot (the insert waited for that commit). So
 * two concurrent requests with one key never both claim it: the second sees the first's row.
 */
export function claimCte(claim: IdempotencyClaim | undefined, requestId: string): SQL {
  if (!claim) {
    return sql`go AS (SELECT 1 FROM auth)`;
  }
  return sql`idem AS (
  INSERT INTO idempotency_keys AS k (api_key_id, key, request_hash, claim_token, request_id)
  SELECT auth.api_key_id, ${claim.key}, ${claim.requestHash}, ${claim.token}::uuid, ${requestId}
  FROM auth WHERE auth.api_key_id IS NOT NULL
  ON CONFLICT (api_key_id, key) DO UPDATE SET
    ${fresh("request_hash", sql`excluded.request_hash`)},
    ${fresh("claim_token", sql`excluded.claim_token`)},
    ${fresh("request_id", sql`excluded.request_id`)},
    ${fresh("claimed_at", sql`excluded.claimed_at`)},
    ${fresh("response_status", sql`NULL`)},
    ${fresh("response_type", sql`NULL`)},
    ${fresh("response_body", sql`NULL`)},
    ${fresh("responded_at", sql`NULL`)}
  RETURNING k.claim_token = ${claim.token}::uuid AS claimed, k.request_hash, k.response_status,
    k.response_type, k.response_body,
    k.claimed_at > now() - make_interval(secs => ${SETTLING_SECONDS}) AS settling
),
go AS (SELECT 1 FROM idem WHERE claimed)`;
}

/** The claim as the statement left it (null without a key). */
export const claimColumn = (claim: IdempotencyClaim | undefined): SQL =>
  claim ? sql`(SELECT to_jsonb(i) FROM idem i)` : sql`NULL::jsonb`;

const ClaimRowSchema = z.nullable(
  z.object({
    claimed: z.boolean(),
    request_hash: z.string(),
    response_status: z.nullable(z.number()),
    response_type: z.nullable(z.string()),
    response_body: z.nullable(z.string()),
    settling: z.boolean(),
  }),
);

/** Null when the statement claimed the key (or had none, or the caller is unauthorized). */
export function earlierClaimOf(column: unknown): EarlierClaim | null {
  const row = z.parse(ClaimRowSchema, column ?? null);
  if (!row || row.claimed) {
    return null;
  }
  return {
    requestHash: row.request_hash,
    settling: row.settling,
    response:
      row.response_status === null || row.response_body === null
        ? null
        : { status: row.response_status, contentType: row.response_type ?? "", body: row.response_body },
  };
}

export function createIdempotencyStore(db: Database): IdempotencyStore {
  return {
    async saveResponse({ caller, claim, response }) {
      await run(
        db,
        sql`
        WITH ${authCte(caller)},
        saved AS (
          UPDATE idempotency_keys k SET response_status = ${response.status},
            response_type = ${response.contentType}, response_body = ${response.body}, responded_at = now()
          FROM auth
          WHERE k.api_key_id = auth.api_key_id AND k.key = ${claim.key} AND k.claim_token = ${claim.token}::uuid
          RETURNING k.api_key_id
        ),
        pruned AS (
          -- The key's own expired claims, a few at a time: the table stays bounded by live keys
          -- without a sweeper, and this runs after the response, off the request's path.
          DELETE FROM idempotency_keys k WHERE (k.api_key_id, k.key) IN (
            SELECT e.api_key_id, e.key FROM idempotency_keys e JOIN saved s ON e.api_key_id = s.api_key_id
            WHERE e.claimed_at <= now() - ${KEY_LIFETIME} LIMIT 100
          )
        )
        SELECT count(*) FROM saved
      `,
      );
    },
  };
}
