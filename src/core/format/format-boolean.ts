import { type FormatResult, fold, unformatted } from "./format-result";

// Compared after fold(), so "Sí", "SI" and "si" are one word.
const TRUE_WORDS = new Set(["true", "yes", "y", "si", "1", "on", "verdadero", "oui", "ja"]);
const FALSE_WORDS = new Set(["false", "no", "n", "0", "off", "falso", "non", "nein"]);

/** The boolean one word stands for ("Sí" -> "true", "nein" -> "false"), if it is one of the words above. */
export function booleanOf(word: string): "true" | "false" | undefined {
  const folded = fold(word);
  return TRUE_WORDS.has(folded) ? "true" : FALSE_WORDS.has(folded) ? "false" : undefined;
}

export function formatBoolean(value: string): FormatResult {
  const boolean = booleanOf(value);
  if (boolean) {
    return { value: boolean };
  }
  return unformatted(
    value,
    "Not a boolean: expected true/false, yes/no, sí/no, y/n, 1/0, on/off, verdadero/falso, oui/non or ja/nein.",
  );
}
