export interface FormatResult {
  value: string;
  warning?: string;
}

/**
 * The one way a formatter gives up: the value exactly as sent plus a sentence saying why, so a
 * value is never guessed silently and never dropped.
 */
export function unformatted(value: string, reason: string): FormatResult {
  return { value, warning: `${reason} The value was stored as sent.` };
}

/** Case-, accent- and spacing-insensitive form used to compare words ("Sí" = "si", " PRO " = "pro"). */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}
