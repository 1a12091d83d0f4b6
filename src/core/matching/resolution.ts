import type { FieldDefinition } from "../fields/definition";

/** A mapping the LLM made that may be remembered as an alias of the definition. */
export interface LearnedAlias {
  definitionKey: string;
  alias: string;
}

/** What stage 2 (the LLM) decided about the fields that matched nothing deterministically. */
export interface Resolution {
  /** Field key -> its definition, with the value fitted to the type (null: keep the value as sent). */
  mapped: ReadonlyMap<string, { definition: FieldDefinition; value: string | null }>;
  /** Values for other definitions found in free text, with the source key they came from. */
  extracted: readonly { definition: FieldDefinition; value: string; sourceKey: string }[];
  learnedAliases: readonly LearnedAlias[];
}

/** Nothing resolved: the fallback of every path without a (valid) LLM answer. */
export const NO_RESOLUTION: Resolution = { mapped: new Map(), extracted: [], learnedAliases: [] };
