// "Did you mean ...?" suggestions for misspelled names.

/**
 * Edit distance where swapping two neighbouring letters counts as one edit (optimal string alignment),
 * so `stpes` suggests `steps`. With a `limit`, only the band of cells within `limit` of the diagonal is
 * computed (Ukkonen), and the answer is `limit + 1` as soon as it must exceed the limit: O(a·limit)
 * time at most, O(b) memory.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const bound = Math.min(limit, Math.max(a.length, b.length));
  if (Math.abs(a.length - b.length) > bound) return limit + 1;
  const over = bound + 1; // stands for every value past the bound
  let beforePrevious = new Int32Array(b.length + 1);
  let previous = new Int32Array(b.length + 1);
  let current = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = Math.min(j, over);
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - bound);
    const to = Math.min(b.length, i + bound);
    // The cells either side of the band read as `over`; the band moves right by one cell per row.
    current[from - 1] = from === 1 ? Math.min(i, over) : over;
    if (to < b.length) current[to + 1] = over;
    let rowMinimum = current[from - 1]!;
    for (let j = from; j <= to; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        best = Math.min(best, beforePrevious[j - 2]! + 1);
      }
      current[j] = Math.min(best, over);
      if (best < rowMinimum) rowMinimum = best;
    }
    // No later row can come back under the bound (a swap costs as much as the substitution before it).
    if (rowMinimum > bound) return limit + 1;
    const reused = beforePrevious;
    beforePrevious = previous;
    previous = current;
    current = reused;
  }
  return previous[b.length]! > bound ? limit + 1 : previous[b.length]!;
}

/** What "did you mean" may still spend, in edit-distance cells; `closest` takes its cost off. */
export interface SuggestionBudget {
  cells: number;
}

/**
 * The closest candidate within a third of the name's length (at least 1 edit), or undefined; the
 * first of equally close ones. Each match found narrows the limit for the candidates after it. With a
 * `budget`, stops at the first candidate it cannot afford and answers with the best one so far.
 */
export function closest(name: string, candidates: Iterable<string>, budget?: SuggestionBudget): string | undefined {
  const lowerName = name.toLowerCase();
  let limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - name.length) > limit) continue;
    if (budget) {
      const cost = name.length * Math.min(candidate.length + 1, 2 * limit + 1);
      if (cost > budget.cells) break;
      budget.cells -= cost;
    }
    const distance = editDistance(lowerName, candidate.toLowerCase(), limit);
    if (distance > limit) continue;
    best = candidate;
    if (distance === 0) break;
    limit = distance - 1;
  }
  return best;
}

/** ` (did you mean 'x'?)` or the empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const match = closest(name, candidates);
  return match === undefined ? "" : ` (did you mean '${match}'?)`;
}

// "Did you mean" for many lookups: memoized per name, and capped so a spec full of junk names
// cannot cost (unknown names × candidates) edit distances.

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
