// Compiling and running a spec's `pattern` without trusting it: a bad pattern is reported, and a
// catastrophically backtracking one (`^(a+)+$`) cannot hang the compiler, because every match runs
// in a vm context with a time limit, a pattern that ran out of time once is not run again, and all
// the matches of one analysis share a time budget.

import vm from "node:vm";

/** Longest a single match of a default or enum value may take. */
export const MATCH_TIMEOUT_MS = 50;

/** Time all the matches of one analysis may take together; no match starts after it is spent. */
export const PATTERN_BUDGET_MS = 500;

export type CompiledPattern = { ok: true; regex: RegExp } | { ok: false; message: string };

/** Compiled as the emitted zod check and the schema check compile it: `new RegExp(pattern)`. */
export function compilePattern(pattern: string): CompiledPattern {
  try {
    return { ok: true, regex: new RegExp(pattern) };
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, "") : String(error);
    return { ok: false, message };
  }
}

let sandbox: vm.Context | undefined;
let matchScript: vm.Script | undefined;

/** true or false, or "timeout" when the match did not finish in time. */
export function matchesPattern(regex: RegExp, text: string): boolean | "timeout" {
  sandbox ??= vm.createContext(Object.create(null) as object);
  matchScript ??= new vm.Script("regex.lastIndex = 0; regex.test(text)");
  sandbox.regex = regex;
  sandbox.text = text;
  try {
    return matchScript.runInContext(sandbox, { timeout: MATCH_TIMEOUT_MS }) === true;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return "timeout";
    throw error;
  } finally {
    sandbox.regex = undefined;
    sandbox.text = undefined;
  }
}

/** A match's outcome; "skipped" when the pattern is invalid, timed out before, or the budget is spent. */
export type PatternMatch = boolean | "timeout" | "skipped";

/**
 * Matching for one analysis: each pattern is compiled once, one that runs out of time answers
 * "timeout" once and "skipped" from then on, and so does every match once PATTERN_BUDGET_MS is spent.
 *
 * @example
 * const match = patternMatcher();
 * match("^(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");  // "timeout" (after 50 ms)
 * match("^(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?");  // "skipped" (at once)
 */
export function patternMatcher(): (pattern: string, text: string) => PatternMatch {
  const usable = new Map<string, RegExp | undefined>();
  let spentMs = 0;
  return (pattern, text) => {
    if (!usable.has(pattern)) {
      const compiled = compilePattern(pattern);
      usable.set(pattern, compiled.ok ? compiled.regex : undefined);
    }
    const regex = usable.get(pattern);
    if (regex === undefined || spentMs >= PATTERN_BUDGET_MS) return "skipped";
    const started = performance.now();
    const matched = matchesPattern(regex, text);
    spentMs += performance.now() - started;
    if (matched === "timeout") usable.set(pattern, undefined);
    return matched;
  };
}
