// Wording helpers shared by the checks. Names in a spec can hold anything (quotes, escape sequences
// meant for a terminal), so every name is quoted through `quote` before it enters a message.

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
  // JSON.stringify escapes quotes and C0 controls; also escape C1 controls and line separators.
  return JSON.stringify(short).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
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
