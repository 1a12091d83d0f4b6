import { MAX_KEY_LENGTH, toFieldKey } from "../fields/field-key";
import {
  isMetadataObject,
  JsonNumber,
  type MetadataEntry,
  type MetadataValue,
} from "../metadata/metadata-value";
import type { ParsedSubmission, WebhookSource } from "./parse-submission";

export type MetadataRecord = { readonly [key: string]: MetadataValue };

export const isRecord = (value: MetadataValue | undefined): value is MetadataRecord =>
  value !== undefined && isMetadataObject(value);

/** A string, or a JSON number's exact text; anything else is not a scalar text. */
export function textOf(value: MetadataValue | undefined): string | undefined {
  if (typeof value === "string") {
    return value;
  }
  return value instanceof JsonNumber ? value.text : undefined;
}

/** Form-encoded bodies repeat a name as an array; an envelope field is read from its first value. */
export function firstText(value: MetadataValue | undefined): string | undefined {
  return Array.isArray(value) ? textOf(value[0]) : textOf(value);
}

/**
 * A question nobody answered. Form builders send those as null, "" or empty structures, and in the
 * metadata pipeline null clears a field: an unanswered question must never erase what is stored.
 * Walks without recursion: this runs before the pipeline's depth check, on hostile bodies too.
 */
export function isUnanswered(value: MetadataValue | undefined): boolean {
  const pending: (MetadataValue | undefined)[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (item === undefined || item === null) {
      continue;
    }
    if (typeof item === "string") {
      if (item.trim() !== "") {
        return false;
      }
    } else if (Array.isArray(item) || isRecord(item)) {
      for (const child of Array.isArray(item) ? item : Object.values(item)) {
        pending.push(child);
      }
    } else {
      return false;
    }
  }
  return true;
}

const CONTACT_ID_KEYS = new Set(["ai_contact_id", "contact_id"]);
// Matched on the snake_case key, so "Work email", "E-mail", "correo_electronico" and
// "What's your email address?" all qualify; the value must still look like an address.
const EMAIL_NAME = /(?:^|_)(?:e_?mail|correo|courriel|mail)(?:_|$)/;
const PHONE_NAME =
  /(?:^|_)(?:phone|telephone|telefono|telefone|tel|mobile|movil|celular|cell|cellphone|whatsapp)(?:_|$)/;

export const isContactIdName = (name: string): boolean => CONTACT_ID_KEYS.has(toFieldKey(name));
const isEmailName = (name: string): boolean => EMAIL_NAME.test(toFieldKey(name));
const isPhoneName = (name: string): boolean => PHONE_NAME.test(toFieldKey(name));

/** Trimmed, `mailto:` dropped, lower-cased (lookups compare addresses case-insensitively); undefined unless it looks like one address. */
export function normaliseEmail(value: MetadataValue | undefined): string | undefined {
  const email = textOf(value)
    ?.trim()
    .replace(/^mailto:/i, "")
    .toLowerCase();
  return email !== undefined && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : undefined;
}

/**
 * The phone as written (trimmed): E.164 needs a country the webhook does not know, so the caller
 * formats it with the tenant's settings. Undefined unless it reads as a phone number at all.
 */
export function phoneCandidate(value: MetadataValue | undefined): string | undefined {
  const phone = textOf(value)?.trim().replace(/^tel:/i, "");
  if (phone === undefined || !/^\+?[\d\s().\-/\u00a0]+$/.test(phone)) {
    return undefined;
  }
  return (phone.match(/\d/g)?.length ?? 0) >= 6 ? phone : undefined;
}

/**
 * A question title as a key: recall placeholders (`{{field:ref}}`, `{{hidden:x}}`) dropped, since
 * they stand for another answer's value, and whitespace collapsed. A title whose key would be
 * longer than a key may be is cut at a word boundary, so one verbose question cannot make the
 * whole delivery fail.
 */
export function cleanLabel(label: string): string {
  const recalled = label.replace(/\{\{[^{}]*\}\}/g, "");
  let text = recalled.replace(/\s+/g, " ").trim();
  if (recalled !== label) {
    // "Thanks, {{field:name}}!" reads "Thanks!" rather than "Thanks, !".
    text = text.replace(/\s+(?=[,.!?;:])/g, "").replace(/[,;:]+(?=[.!?]|$)/g, "");
  }
  while (toFieldKey(text).length > MAX_KEY_LENGTH) {
    const cut = text.lastIndexOf(" ", Math.min(text.length - 1, MAX_KEY_LENGTH));
    text = (cut > 0 ? text.slice(0, cut) : text.slice(0, Math.max(1, text.length - 16))).trim();
  }
  return text;
}

export interface Answer {
  label: string | undefined;
  /** Used when the label converts to no key at all (untitled question, only punctuation). */
  fallbackLabel?: string | undefined;
  value: MetadataValue | undefined;
  /** What the form builder's own field type says the answer is; beats a guess from its name. */
  kind?: "email" | "phone" | undefined;
  /** Other names of the question (a Jotform field name, a Typeform ref) also checked for the contact id, email or phone. */
  names?: readonly (string | undefined)[];
}

/** Collects answers in form order and the contact hints found among them. */
export class SubmissionBuilder {
  private readonly entries: MetadataEntry[] = [];
  private readonly usedKeys = new Set<string>();
  private aiContactId: string | undefined;
  private readonly email: { typed?: string; named?: string } = {};
  private readonly phone: { typed?: string; named?: string } = {};

  constructor(private readonly source: WebhookSource) {}

  add(answer: Answer): void {
    if (answer.value === undefined || isUnanswered(answer.value)) {
      return;
    }
    const fallback = cleanLabel(answer.fallbackLabel ?? "");
    const cleaned = cleanLabel(answer.label ?? "");
    const label = toFieldKey(cleaned) === "" ? fallback : cleaned;
    if (toFieldKey(label) === "") {
      return;
    }
    const names = [label, ...(answer.names ?? [])].filter((n): n is string => n !== undefined && n !== "");
    if (names.some(isContactIdName)) {
      // The contact's address, not data about it: used to find the contact, never stored.
      this.offerContactId(answer.value);
      return;
    }
    this.spotContact(answer, names);
    this.entries.push({ sourceKey: this.uniqueLabel(label), value: answer.value });
  }

  /** An entry exactly as sent: generic senders' empty values and nulls keep their metadata-route meaning. */
  keep(entry: MetadataEntry): void {
    this.entries.push(entry);
  }

  offerContactId(value: MetadataValue | undefined): void {
    const id = firstText(value)?.trim();
    if (this.aiContactId === undefined && id) {
      this.aiContactId = id;
    }
  }

  offerEmail(value: MetadataValue | undefined, typed: boolean): void {
    const email = normaliseEmail(value);
    if (email !== undefined) {
      this.email[typed ? "typed" : "named"] ??= email;
    }
  }

  offerPhone(value: MetadataValue | undefined, typed: boolean): void {
    const phone = phoneCandidate(value);
    if (phone !== undefined) {
      this.phone[typed ? "typed" : "named"] ??= phone;
    }
  }

  build(eventId: string | undefined): ParsedSubmission {
    const email = this.email.typed ?? this.email.named;
    const phone = this.phone.typed ?? this.phone.named;
    return {
      source: this.source,
      ...(eventId ? { eventId } : {}),
      entries: this.entries,
      contact: {
        ...(this.aiContactId !== undefined ? { aiContactId: this.aiContactId } : {}),
        ...(email !== undefined ? { email } : {}),
        ...(phone !== undefined ? { phone } : {}),
      },
    };
  }

  private spotContact(answer: Answer, names: readonly string[]): void {
    if (answer.kind === "email") {
      this.offerEmail(answer.value, true);
    } else if (answer.kind === "phone") {
      this.offerPhone(answer.value, true);
    } else if (names.some(isEmailName)) {
      this.offerEmail(answer.value, false);
    } else if (names.some(isPhoneName)) {
      this.offerPhone(answer.value, false);
    }
  }

  /** Two questions with one title would land in one field and one answer would be lost: the later gets " (2)". */
  private uniqueLabel(label: string): string {
    let candidate = label;
    for (let n = 2; this.usedKeys.has(toFieldKey(candidate)); n++) {
      candidate = `${label} (${n})`;
    }
    this.usedKeys.add(toFieldKey(candidate));
    return candidate;
  }
}

/** Contact hints in a plain key/value body (generic senders): kept as entries, since the sender chose to send them. */
export function spotContactByName(builder: SubmissionBuilder, entries: readonly MetadataEntry[]): void {
  for (const { sourceKey, value } of entries) {
    if (isEmailName(sourceKey)) {
      builder.offerEmail(firstText(value), false);
    } else if (isPhoneName(sourceKey)) {
      builder.offerPhone(firstText(value), false);
    }
  }
}
