import { DomainError } from "../core/errors";
import type { IdentityClaim, IdentityOutcome } from "./ports";

export const UPSERT_ROUTE = "POST /api/public/contacts/upsert";

/**
 * Why an identity claim was refused (409), from what the statement saw: an upsert whose email and
 * phone name two different contacts, or a POST /contact whose email or phone a contact has.
 */
export function identityConflict(claim: IdentityClaim, outcome: IdentityOutcome): DomainError {
  if (claim.onlyNew) {
    const field = outcome.byEmail !== null ? "email" : "phone";
    const existing = outcome.byEmail ?? outcome.byPhone;
    return new DomainError(
      "CONFLICT",
      `contact ${existing} already has this ${field}; to update it, use ${UPSERT_ROUTE} (it finds the contact by email or phone)`,
      { field, ai_contact_id: existing, upsert: UPSERT_ROUTE },
    );
  }
  return new DomainError(
    "CONFLICT",
    `email ${claim.email} is contact ${outcome.byEmail} and phone ${claim.phone} is contact ${outcome.byPhone}: they name two different contacts; nothing was written`,
    {
      email: claim.email,
      email_contact_id: outcome.byEmail,
      phone: claim.phone,
      phone_contact_id: outcome.byPhone,
    },
  );
}
