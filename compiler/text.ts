// Text from a spec made safe for where it is shown: a terminal (`printable`), a diagnostic message
// (`quote`, `quoteList`, `describeValue`). One home, so the code frame, the messages and every command
// escape the same characters. (Code the emitter writes has its own rules: emit/escape.ts.)

/** Characters a terminal or an editor would act on rather than show: C0/C1 controls (escape sequences
 * among them) except the tab, line and paragraph separators, and bidirectional controls (U+202E would
 * reverse what follows it). A tab is only white space, and code frames need it to line up carets. */
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a spec made safe to print: every unprintable character becomes a `\uXXXX` escape, so a
 * hostile spec cannot send escape sequences to the terminal that shows it, or reorder what it shows.
 *
 * @example printable("bad \u001b[31m") // "bad \\u001b[31m"
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar);
}

/**
 * Pretty JSON with the characters JSON.stringify leaves raw (DEL, C1 controls, separators, bidi
 * overrides) written as `\uXXXX` escapes: the same value, safe to print to a terminal.
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value, null, 2).split("\n").map(printable).join("\n");
}

function escapeChar(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

const PLAIN = /^[A-Za-z0-9_$.<>[\]?-]*$/;
const MAX_QUOTED = 60;

/**
 * `'generate_joke'` for an ordinary name; a JSON string with control characters escaped for anything
 * else, shortened past 60 characters.
 *
 * @example
 * quote("JokeWritten");              // "'JokeWritten'"
 * quote('Evil"); process.exit(1)');  // "\"Evil\\\"); process.exit(1)\""
 */
export function quote(name: string): string {
  if (PLAIN.test(name) && name.length <= MAX_QUOTED) return `'${name}'`;
  const short = name.length > MAX_QUOTED ? `${name.slice(0, MAX_QUOTED)}…` : name;
  // JSON.stringify escapes quotes and C0 controls; printable escapes the rest (C1, separators, bidi).
  return printable(JSON.stringify(short));
}

/** `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`; past five names, `'a', ... 'e' and 7 more`. */
export function quoteList(names: readonly string[]): string {
  const shown = names.length > 5 ? 5 : names.length;
  const quoted = names.slice(0, shown).map(quote);
  if (names.length > shown) return `${quoted.join(", ")} and ${names.length - shown} more`;
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/** A value as it would appear in YAML-ish text, for messages: `"abc"`, `12`, `[1, 2]`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  // JSON would print these as null; YAML spells them .inf, -.inf, .nan (1e400 also reads as .inf).
  if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? ".nan (not a number)" : value > 0 ? ".inf (infinity)" : "-.inf (minus infinity)";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}
