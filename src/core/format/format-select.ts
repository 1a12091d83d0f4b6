import { type FormatResult, fold, unformatted } from "./format-result";

const LISTED_OPTIONS = 10;

function describe(options: readonly string[]): string {
  const listed = options.slice(0, LISTED_OPTIONS).map((option) => JSON.stringify(option));
  const more = options.length - listed.length;
  return more > 0 ? `${listed.join(", ")} and ${more} more` : listed.join(", ");
}

/** The canonical option matching case-, accent- and spacing-insensitively (" PRO " → "Pro"). */
export function formatSelect(value: string, options: readonly string[] = []): FormatResult {
  const distinct = [...new Set(options)];
  if (distinct.length === 0) {
    return unformatted(value, "Invalid select value: the field has no options defined.");
  }
  const key = fold(value);
  const matches = distinct.filter((option) => fold(option) === key);
  if (matches.length === 1 && matches[0] !== undefined) {
    return { value: matches[0] };
  }
  // Options that differ only by case or accents ("Pro", "PRO"): only an exact match decides.
  const exact = matches.find((option) => option === value.trim());
  if (exact !== undefined) {
    return { value: exact };
  }
  if (matches.length > 1) {
    return unformatted(value, `Ambiguous select value: it matches several options (${describe(matches)}).`);
  }
  return unformatted(value, `Invalid select value: not one of the options (${describe(distinct)}).`);
}
