import { describe, expect, it } from "vitest";
import { indexDefinitions, lookAlikeOf, matchField } from "../fields/definition-index";
import { CORPUS, type CorpusCase, type Language, TENANT } from "./matching-corpus.data";

/**
 * Floors for what the lexicon matches without an LLM: the counts this corpus reaches today. A
 * change that loses synonyms fails here; one that gains some should raise them.
 */
const MIN_SYNONYMS_MATCHED = 135;
const MIN_SYNONYMS_PER_LANGUAGE: Record<Language, number> = {
  en: 39,
  es: 24,
  pt: 16,
  fr: 21,
  de: 20,
  it: 15,
};

const index = indexDefinitions(TENANT);
const outcome = ([key, expected, kind, language, source]: CorpusCase) => {
  const match = matchField(index, key);
  const actual = match?.definition.key ?? "none";
  return { key, expected, kind, language, source, actual, matchedBy: match?.matchedBy };
};
const outcomes = CORPUS.map(outcome);
const ofKind = (kind: CorpusCase[2]) => CORPUS.filter((c) => c[2] === kind);

describe("the matching corpus", () => {
  it("is well-formed: unique keys, expected fields that exist, six languages of synonyms", () => {
    const keys = CORPUS.map(([key]) => key);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    const fields = new Set<string>(TENANT.map((d) => d.key));
    expect(CORPUS.filter(([, expected, kind]) => (kind === "none") !== (expected === "none"))).toEqual([]);
    expect(CORPUS.filter(([, expected]) => expected !== "none" && !fields.has(expected))).toEqual([]);
    expect(new Set(ofKind("synonym").map((c) => c[3]))).toEqual(
      new Set(["en", "es", "pt", "fr", "de", "it"]),
    );
  });

  it.each(ofKind("formal"))("formal variant %j matches %s deterministically", (...c) => {
    const result = outcome(c);
    expect([result.actual, result.matchedBy]).toEqual([c[1], "exact"]);
  });

  it.each(ofKind("none"))("near miss %j matches nothing", (...c) => {
    expect(outcome(c).actual).toBe("none");
  });

  it("never matches a key to the wrong field, and matches synonyms in all six languages", () => {
    const wrong = outcomes.filter((o) => o.actual !== "none" && o.actual !== o.expected);
    const synonyms = outcomes.filter((o) => o.kind === "synonym");
    const matched = synonyms.filter((o) => o.actual === o.expected);
    const byLanguage = Object.fromEntries(
      Object.keys(MIN_SYNONYMS_PER_LANGUAGE).map((language) => {
        const all = synonyms.filter((o) => o.language === language);
        return [language, `${all.filter((o) => o.actual === o.expected).length}/${all.length}`];
      }),
    );
    const missed = synonyms.filter((o) => o.actual === "none").map((o) => `${o.key} (${o.expected})`);
    console.log(
      [
        `matching corpus: ${CORPUS.length} keys, tenant of ${TENANT.length} fields`,
        `  formal variants matched: ${outcomes.filter((o) => o.kind === "formal" && o.actual === o.expected).length}/${ofKind("formal").length}`,
        `  synonyms matched without an LLM: ${matched.length}/${synonyms.length} (${Object.entries(byLanguage)
          .map(([l, n]) => `${l} ${n}`)
          .join(", ")})`,
        `  near misses matched to nothing: ${outcomes.filter((o) => o.kind === "none" && o.actual === "none").length}/${ofKind("none").length}`,
        `  wrong matches: ${wrong.length}`,
        `  synonyms left to the LLM: ${missed.join(", ")}`,
      ].join("\n"),
    );

    expect(wrong.map((o) => `${o.key} -> ${o.actual} (expected ${o.expected})`)).toEqual([]);
    expect(matched.every((o) => o.matchedBy === "synonym" || o.matchedBy === "exact")).toBe(true);
    expect(matched.length).toBeGreaterThanOrEqual(MIN_SYNONYMS_MATCHED);
    for (const [language, floor] of Object.entries(MIN_SYNONYMS_PER_LANGUAGE)) {
      expect(
        synonyms.filter((o) => o.language === language && o.actual === o.expected).length,
        language,
      ).toBeGreaterThanOrEqual(floor);
    }
  });

  it("names the field a look-alike key imitates, so the new field can carry a warning", () => {
    expect(lookAlikeOf(index, "\u0441ompany_name")?.key).toBe("company_name");
  });
});
