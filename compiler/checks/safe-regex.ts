// Compiling and running a spec's `pattern` without trusting it: a bad pattern is reported, and a
// catastrophically backtracking one (`^(a+)+$`) cannot hang the compiler, because every match runs
// in a vm context with a time limit.

import vm from "node:vm";

/** Longest a single match of a default or enum value may take. */
export const MATCH_TIMEOUT_MS = 50;

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
