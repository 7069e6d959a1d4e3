// The argument parser every subcommand shares: `--flag value`, `--flag=value`, boolean `--flag`,
// `-x` short names, positionals, and `--` to end the flags. Anything unexpected is a UsageError (exit 2).

import { didYouMean } from "../suggest.js";
import { UsageError } from "./types.js";

export type FlagSpec =
  | { type: "boolean"; short?: string }
  | { type: "string"; short?: string; choices?: readonly string[]; default?: string };

export interface ArgsSpec<F extends Record<string, FlagSpec>> {
  /** Keyed by the long name without dashes, e.g. `"runtime-import"`. */
  flags: F;
  /** How many positionals are allowed, and what to call them in messages (default: any number of "path"). */
  positionals?: { min?: number; max?: number; name?: string };
}

type StringValue<S> = S extends { choices: readonly (infer C)[] } ? C : string;

/** Booleans are always set (false when absent); strings are undefined when absent unless they have a default. */
export type FlagValues<F extends Record<string, FlagSpec>> = {
  [K in keyof F]: F[K] extends { type: "boolean" }
    ? boolean
    : F[K] extends { default: string }
      ? StringValue<F[K]>
      : StringValue<F[K]> | undefined;
};

export interface ParsedArgs<F extends Record<string, FlagSpec>> {
  flags: FlagValues<F>;
  positionals: string[];
}

/**
 * @example
 * const { flags, positionals } = parseArgs(args, { flags: { format: { type: "string", choices: ["text", "json"], default: "text" } } });
 * flags.format; // "text" | "json"
 */
export function parseArgs<const F extends Record<string, FlagSpec>>(args: readonly string[], spec: ArgsSpec<F>): ParsedArgs<F> {
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, flag] of Object.entries(spec.flags)) values[name] = flag.type === "boolean" ? false : flag.default;
  const positionals: string[] = [];

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const { name, inlineValue } = splitFlag(arg);
    const resolved = resolveName(name, arg, spec.flags);
    const flag = spec.flags[resolved]!;
    if (flag.type === "boolean") {
      if (inlineValue !== undefined) throw new UsageError(`option '--${resolved}' takes no value`);
      values[resolved] = true;
      continue;
    }
    const value = inlineValue ?? args[i + 1];
    if (value === undefined || (inlineValue === undefined && value.startsWith("-") && value !== "-")) {
      throw new UsageError(`option '--${resolved}' needs a value${flag.choices ? ` (${flag.choices.join(" or ")})` : ""}`);
    }
    if (inlineValue === undefined) i++;
    if (flag.choices && !flag.choices.includes(value)) {
      throw new UsageError(`option '--${resolved}' must be one of ${flag.choices.join(", ")}, not '${value}'`);
    }
    values[resolved] = value;
  }

  checkPositionalCount(positionals, spec.positionals);
  return { flags: values as FlagValues<F>, positionals };
}

function splitFlag(arg: string): { name: string; inlineValue?: string } {
  const equals = arg.indexOf("=");
  return equals < 0 ? { name: arg } : { name: arg.slice(0, equals), inlineValue: arg.slice(equals + 1) };
}

/** `--format` or `-f` → `format`. */
function resolveName(written: string, arg: string, flags: Record<string, FlagSpec>): string {
  if (written.startsWith("--")) {
    const name = written.slice(2);
    if (Object.hasOwn(flags, name)) return name;
    throw new UsageError(`unknown option '${written}'${didYouMean(name, Object.keys(flags)).replace(/'([^']+)'/, "'--$1'")}`);
  }
  const short = written.slice(1);
  const match = Object.entries(flags).find(([, flag]) => flag.short === short);
  if (match) return match[0];
  throw new UsageError(`unknown option '${arg}'`);
}

function checkPositionalCount(positionals: readonly string[], limits: ArgsSpec<Record<string, FlagSpec>>["positionals"] = {}): void {
  const noun = limits.name ?? "path";
  const min = limits.min ?? 0;
  const max = limits.max ?? Infinity;
  if (positionals.length < min) throw new UsageError(`missing ${min === 1 ? `the <${noun}> argument` : `arguments: expected at least ${min}`}`);
  if (positionals.length > max) {
    const extra = positionals.slice(max).map((p) => `'${p}'`).join(", ");
    const limit = max === 0 ? "" : `: expected at most ${max} ${noun}${max === 1 ? "" : "s"}`;
    throw new UsageError(`unexpected argument${positionals.length - max === 1 ? "" : "s"} ${extra}${limit}`);
  }
}
