/** What identifies the contact a submission is about. Phone as digits only, to compare any formatting. */
export interface ContactHint {
  aiContactId?: string | undefined;
  email?: string | undefined;
  phoneDigits?: string | undefined;
}
