/** Lower-case, accents removed: "Día" and "dia" compare equal. */
const fold = (text: string) =>
  text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
const numbersIn = (text: string) => (text.match(/\d+/g) ?? []).map((n) => n.replace(/^0+(?=\d)/, ""));
const wordsIn = (text: string) => fold(text).match(/\p{L}+/gu) ?? [];

/**
 * Whether a value the LLM rewrote only re-shapes what was sent: every number and every word in it
 * must already be in the original. "about 500" -> "500" and "25/12/2024" -> "2024-12-25" pass;
 * "Acme" -> "attacker@evil.example" does not, so an injected value can never be written.
 * `true`/`false` carry no text of their own and always pass.
 */
export function isGroundedIn(candidate: string, original: string): boolean {
  if (candidate === "true" || candidate === "false") {
    return true;
  }
  const originalNumbers = new Set(numbersIn(original));
  const originalText = fold(original);
  return (
    numbersIn(candidate).every((n) => originalNumbers.has(n)) &&
    wordsIn(candidate).every((word) => originalText.includes(word))
  );
}
