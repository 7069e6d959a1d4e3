// "Did you mean" for many lookups: memoized per name, and capped so a spec full of junk names
// cannot cost (unknown names × candidates) edit distances.

import { closest } from "../suggest.js";

/** Distinct unknown names that get a suggestion; later ones get none. */
export const MAX_SUGGESTED_NAMES = 200;

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
  return (name) => {
    if (!memo.has(name)) memo.set(name, memo.size < MAX_SUGGESTED_NAMES ? closest(name, list) : undefined);
    return memo.get(name);
  };
}
