// Compiling and running a spec's `pattern` without trusting it: a bad pattern is reported, and a
// catastrophically backtracking one (`^(a+)+$`) cannot hang the compiler, because every match runs
// in a vm context with a time limit, a pattern that ran out of time once is not run again, and all
// the matches of one analysis share a time budget.
//
// Time is counted as this process's CPU time, not the wall clock: on a loaded machine (CI, two
// builds at once) a process can wait 50 ms for a core, and a spec must not compile differently
// because of that. The vm's limit is a wall-clock watchdog, so a match that hit it while using
// less than half its time on the CPU was starved, not slow, and runs again (a few times at most).

import vm from "node:vm";

/** Longest a single match of a default or enum value may take. */
export const MATCH_TIMEOUT_MS = 50;

/** CPU time all the matches of one analysis may take together; no match starts after it is spent. */
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

/** CPU milliseconds this process has used (user + system). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** How often a match that was starved of CPU (not slow) is run again. */
const STARVED_RETRIES = 5;

/** true or false, or "timeout" when the match used its time on the CPU without finishing. */
export function matchesPattern(regex: RegExp, text: string): boolean | "timeout" {
  for (let attempt = 0; ; attempt++) {
    const started = cpuMs();
    const matched = matchOnce(regex, text);
    if (matched !== "timeout" || attempt === STARVED_RETRIES || cpuMs() - started >= MATCH_TIMEOUT_MS / 2) return matched;
  }
}

function matchOnce(regex: RegExp, text: string): boolean | "timeout" {
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
    const started = cpuMs();
    const matched = matchesPattern(regex, text);
    spentMs += cpuMs() - started;
    if (matched === "timeout") usable.set(pattern, undefined);
    return matched;
  };
}
