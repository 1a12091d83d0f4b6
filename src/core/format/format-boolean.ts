import { type FormatResult, fold, unformatted } from "./format-result";

// Compared after fold(), so "Sí", "SI" and "si" are one word.
const TRUE_WORDS = new Set(["true", "yes", "y", "si", "1", "on", "verdadero", "oui", "ja"]);
const FALSE_WORDS = new Set(["false", "no", "n", "0", "off", "falso", "non", "nein"]);

export function formatBoolean(value: string): FormatResult {
  const word = fold(value);
  if (TRUE_WORDS.has(word)) {
    return { value: "true" };
  }
  if (FALSE_WORDS.has(word)) {
    return { value: "false" };
  }
  return unformatted(
    value,
    "Not a boolean: expected true/false, yes/no, sí/no, y/n, 1/0, on/off, verdadero/falso, oui/non or ja/nein.",
  );
}
