// "Did you mean" for many lookups: memoized per name, and capped so a spec full of junk names
// cannot cost (unknown names × candidates) edit distances.

import { closest, type SuggestionBudget } from "../suggest.js";

/** Distinct unknown names that get a suggestion; later ones get none. */
export const MAX_SUGGESTED_NAMES = 200;

/** Edit-distance cells one lookup table may spend in all (some tens of milliseconds); later names get none. */
export const MAX_SUGGESTION_CELLS = 2_000_000;

/**
 * A function from a name to its closest candidate (or undefined).
 *
 * @example
 * const suggest = suggester(["JokeWritten", "StopEvent"]);
 * suggest("JokWritten");   // "JokeWritten"
 */
export function suggester(candidates: Iterable<string>): (name: string) => string | undefined {
  const list = [...candidates];
  const memo = new Map<string, string | undefined>();
  const budget: SuggestionBudget = { cells: MAX_SUGGESTION_CELLS };
  return (name) => {
    if (!memo.has(name)) memo.set(name, memo.size < MAX_SUGGESTED_NAMES ? closest(name, list, budget) : undefined);
    return memo.get(name);
  };
}
