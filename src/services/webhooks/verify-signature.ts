import {
  type SignatureCheck,
  type SignatureInput,
  signedMessage,
} from "../../core/webhooks/signature-schemes";
import type { Hmac } from "../ports";

/**
 * Checks a submission's signature: the core says which header asks for which HMAC over which
 * bytes, the HMAC adapter computes it. No known header: "missing".
 */
export async function verifySignature(
  input: SignatureInput & { secret: string },
  hmac: Hmac,
): Promise<{ scheme: string | null; result: SignatureCheck }> {
  const claim = signedMessage(input);
  if (!claim) {
    return { scheme: null, result: "missing" };
  }
  const valid =
    claim.fresh &&
    claim.signature !== undefined &&
    (await hmac.verify(input.secret, claim.message, claim.signature));
  return { scheme: claim.scheme, result: valid ? "valid" : "invalid" };
}
