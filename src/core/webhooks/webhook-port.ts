import type { Caller } from "../ports";

/** What identifies the contact a submission is about. Phone as digits only, to compare any formatting. */
export interface ContactHint {
  aiContactId?: string | undefined;
  email?: string | undefined;
  phoneDigits?: string | undefined;
}

export interface WebhookStore {
  lookup(input: { caller: Caller; eventId?: string | undefined; contact: ContactHint }): Promise<
    | { status: "unauthorized" }
    | {
        status: "ok";
        webhookId: string;
        signingSecret: string | null;
        /** The answer given to this submission before, when it is a retry. */
        replay: unknown;
        contactId: string | null;
      }
  >;
  saveResponse(input: { caller: Caller; eventId: string; response: unknown }): Promise<void>;
}
