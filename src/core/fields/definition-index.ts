import { broaderConcept, type ConceptId, conceptOfCompact } from "../matching/lexicon";
import { confusableSkeleton } from "./confusable";
import type { FieldType } from "./definition";
import { compactCanonical, toFieldKey } from "./field-key";

/**
 * What matching needs of a definition. Timestamps are not part of it: the hot path's projection of
 * the tenant's record may drop them.
 */
export interface MatchableDefinition {
  id: string;
  key: string;
  label: string;
  type: FieldType;
  options?: readonly string[] | undefined;
  description?: string | undefined;
  aliases: readonly string[];
}

/**
 * Which deterministic stage matched: `exact` (the key, or its letters and digits, equal a
 * definition's key or label), `alias` (the same against one of its aliases), `synonym` (the key and
 * the definition name the same contact-field concept of the built-in lexicon).
 */
export type MatchedBy = "exact" | "alias" | "synonym";

export interface DefinitionMatch<D extends MatchableDefinition = MatchableDefinition> {
  definition: D;
  matchedBy: MatchedBy;
  /**
   * Matched by one of the definition's names itself (its key, label or an alias, canonical): a
   * name the ledger holds too, so the update statement can check the match against it.
   */
  byName?: true;
}

/**
 * A tenant's definitions prepared for matching, built once per definitions array. Lookups are
 * map reads, so matching a key costs the same for 10 definitions as for 10,000.
 */
export interface MatchIndex<D extends MatchableDefinition = MatchableDefinition> {
  /** Canonical name -> match. A definition's key wins over another's label, a label over an alias. */
  readonly exact: ReadonlyMap<string, DefinitionMatch<D>>;
  /** Compact name -> match, or null when two definitions own that compact form. */
  readonly compact: ReadonlyMap<string, DefinitionMatch<D> | null>;
  /** Lexicon concept -> the one definition naming it, or null when several do. */
  readonly concepts: ReadonlyMap<ConceptId, D | null>;
  readonly definitions: readonly D[];
}

// The same record (cached per isolate) is indexed once, not on every request.
const built = new WeakMap<readonly MatchableDefinition[], MatchIndex>();
const skeletons = new WeakMap<MatchIndex, Map<string, MatchableDefinition>>();

/** The names a definition answers to, with the kind of match each gives. */
function* namesOf<D extends MatchableDefinition>(definition: D): Generator<[string, "exact" | "alias"]> {
  yield [definition.key, "exact"];
  yield [definition.label, "exact"];
  for (const alias of definition.aliases) {
    yield [alias, "alias"];
  }
}

export function indexDefinitions<D extends MatchableDefinition>(definitions: readonly D[]): MatchIndex<D> {
  const known = built.get(definitions);
  if (known) {
    // Built from this very array, so its definitions are D.
    return known as unknown as MatchIndex<D>;
  }
  const exact = new Map<string, DefinitionMatch<D>>();
  const compact = new Map<string, DefinitionMatch<D> | null>();
  const concepts = new Map<ConceptId, D | null>();

  // Canonical forms once per name; the tiers below need them in three passes.
  const canonical = definitions.map((definition) =>
    [...namesOf(definition)].map(([name, kind]) => ({ name: toFieldKey(name), kind })),
  );
  for (const tier of ["key", "label", "alias"] as const) {
    definitions.forEach((definition, i) => {
      const names = canonical[i] ?? [];
      const inTier =
        tier === "key" ? names.slice(0, 1) : tier === "label" ? names.slice(1, 2) : names.slice(2);
      for (const { name, kind } of inTier) {
        if (name !== "" && !exact.has(name)) {
          exact.set(name, { definition, matchedBy: kind, byName: true });
        }
      }
    });
  }

  definitions.forEach((definition, i) => {
    const own = new Map<string, "exact" | "alias">();
    for (const { name, kind } of canonical[i] ?? []) {
      const form = compactCanonical(name);
      if (form !== "" && own.get(form) !== "exact") {
        own.set(form, kind);
      }
    }
    const ownConcepts = new Set<ConceptId>();
    for (const [form, kind] of own) {
      const earlier = compact.get(form);
      // Two definitions with one compact form: neither gets it, so no key is matched by a guess.
      compact.set(form, earlier === undefined ? { definition, matchedBy: kind } : null);
      const concept = conceptOfCompact(form);
      if (concept) {
        ownConcepts.add(concept);
      }
    }
    for (const concept of ownConcepts) {
      concepts.set(concept, concepts.has(concept) ? null : definition);
    }
  });

  const index: MatchIndex<D> = { exact, compact, concepts, definitions };
  built.set(definitions, index as unknown as MatchIndex);
  return index;
}

/** Stage 1 alone: the canonical key equals a definition's key or label (`exact`) or alias (`alias`). */
export function matchExactly<D extends MatchableDefinition>(
  index: MatchIndex<D>,
  key: string,
): DefinitionMatch<D> | undefined {
  return index.exact.get(toFieldKey(key));
}

/**
 * The definition a key (as sent, or canonical) lands in without an LLM, stages in order:
 * 1. exact: the canonical key equals a key or label (`exact`) or an alias (`alias`);
 * 2. separator-insensitive: its letters and digits equal those of a key or label (`exact`) or an
 *    alias (`alias`) of exactly ONE definition (`e_mail` = `email`); two owners: no match;
 * 3. synonym: the whole key names a lexicon concept (`Surname`) that exactly one definition names
 *    by its key, label or an alias (`last_name`); a concept no definition names falls back on its
 *    broader one (`Mobile` -> a tenant's only phone field).
 * Undefined when nothing matched deterministically (the LLM stage, then a new field, come next).
 */
export function matchField<D extends MatchableDefinition>(
  index: MatchIndex<D>,
  key: string,
): DefinitionMatch<D> | undefined {
  const canonical = toFieldKey(key);
  const exact = index.exact.get(canonical);
  if (exact) {
    return exact;
  }
  const form = compactCanonical(canonical);
  const byForm = index.compact.get(form);
  if (byForm !== undefined) {
    return byForm ?? undefined;
  }
  for (let concept = conceptOfCompact(form); concept; concept = broaderConcept(concept)) {
    const owner = index.concepts.get(concept);
    if (owner === null) {
      // Several fields name this concept: choosing one would be a guess.
      return undefined;
    }
    if (owner) {
      return { definition: owner, matchedBy: "synonym" };
    }
  }
  return undefined;
}

/**
 * The definition a key LOOKS like (same confusable skeleton as its key, label or an alias), for a
 * key that matched nothing: the caller warns "new key X looks like existing field Y" (a Cyrillic
 * `сompany_name` beside `company_name`). The skeletons are computed on first use only.
 */
export function lookAlikeOf<D extends MatchableDefinition>(index: MatchIndex<D>, key: string): D | undefined {
  let bySkeleton = skeletons.get(index as unknown as MatchIndex);
  if (!bySkeleton) {
    bySkeleton = new Map();
    for (const definition of index.definitions) {
      for (const [name] of namesOf(definition)) {
        const skeleton = confusableSkeleton(name);
        if (skeleton !== "" && !bySkeleton.has(skeleton)) {
          bySkeleton.set(skeleton, definition);
        }
      }
    }
    skeletons.set(index as unknown as MatchIndex, bySkeleton);
  }
  const skeleton = confusableSkeleton(key);
  return skeleton === "" ? undefined : (bySkeleton.get(skeleton) as D | undefined);
}
