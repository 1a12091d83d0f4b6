import type { FieldType } from "../fields/definition";
import { booleanOf } from "../format/format-boolean";

interface Token {
  text: string;
  kind: "word" | "number" | "mark";
  /** A mark between two digits (`2024-12-25`, `1.5`, `10:30`): how a number is written, not content. */
  numeric?: boolean;
}

/**
 * Whole tokens of a text, compared case- and accent-insensitively: runs of letters, runs of digits
 * (leading zeros dropped, so `007` is `7`), and every other visible character on its own, so
 * punctuation counts: `ceo@evil.io` is `ceo`, `@`, `evil`, `.`, `io`.
 */
function tokensOf(text: string): Token[] {
  const folded = text
    .normalize("NFKC")
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
  const tokens: (Token & { start: number; end: number })[] = [];
  for (const match of folded.matchAll(/\p{L}+|\p{N}+|[^\s\p{L}\p{N}]/gu)) {
    const raw = match[0];
    const start = match.index;
    const kind = /^\p{L}/u.test(raw) ? "word" : /^\p{N}/u.test(raw) ? "number" : "mark";
    const text = kind === "number" ? raw.replace(/^0+(?=\d)/, "") : raw;
    tokens.push({ text, kind, start, end: start + raw.length });
  }
  return tokens.map(({ text, kind, start, end }, i) => {
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    const numeric =
      kind === "mark" &&
      before?.kind === "number" &&
      before.end === start &&
      after?.kind === "number" &&
      after.start === end;
    return numeric ? { text, kind, numeric } : { text, kind };
  });
}

/**
 * Whether a value the LLM produced only re-shapes what was sent, so an instruction hidden in a
 * value can never make the service write something the sender did not state:
 * - every word, number and punctuation mark of the candidate is a whole token of the original
 *   (`admin` is not in `administrator`; `ceo@evil.io` is not in "the ceo at evil dot io"). Marks
 *   between two digits are free, so "25/12/2024" grounds "2024-12-25";
 * - a boolean must be stated: the original has a word of the boolean vocabulary (yes/no, true/false,
 *   sí, oui, ja, nein, ...) of the candidate's polarity and none of the other. One-character words
 *   (`y`, `n`, `1`, `0`) do not count inside a text: `y` is Spanish "and", `1` a count;
 * - a select option must appear in the original, its words in order ("the pro plan" grounds `Pro`).
 */
export function isGroundedIn(
  candidate: string,
  original: string,
  field?: { type: FieldType; options?: readonly string[] | undefined },
): boolean {
  const said = tokensOf(original);
  if (field?.type === "boolean") {
    const polarity = booleanOf(candidate);
    const stated = new Set(said.map((t) => (t.text.length > 1 ? booleanOf(t.text) : undefined)));
    return (
      polarity !== undefined && stated.has(polarity) && !stated.has(polarity === "true" ? "false" : "true")
    );
  }
  const claimed = tokensOf(candidate);
  if (claimed.length === 0) {
    return false;
  }
  if (field?.type === "select") {
    // Words in order; punctuation is left out, so "paid-ads" states the option "Paid ads".
    const words = (tokens: Token[]) => tokens.filter((t) => t.kind !== "mark").map((t) => t.text);
    return containsInOrder(words(said), words(claimed));
  }
  const known = new Set(said.map((t) => t.text));
  return claimed.every((t) => t.numeric === true || known.has(t.text));
}

function containsInOrder(haystack: readonly string[], needle: readonly string[]): boolean {
  for (let start = 0; start + needle.length <= haystack.length; start++) {
    if (needle.every((token, i) => haystack[start + i] === token)) {
      return true;
    }
  }
  return false;
}
