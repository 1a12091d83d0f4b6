import type { Context } from "hono";
import type { Caller } from "../../core/ports";
import type { HonoEnv } from "../../env";
import { ApiError } from "../../errors";

/** KV-only routes still need the key checked against the database before touching a tenant's data. */
export async function verifiedCaller(c: Context<HonoEnv>): Promise<Caller> {
  const caller = c.get("caller");
  if (!(await c.get("services").contacts.verifyCaller(caller))) {
    throw new ApiError("UNAUTHORIZED", "invalid or revoked API key");
  }
  return caller;
}
