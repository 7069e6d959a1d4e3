// Every string that comes from a spec passes through here before it lands in generated code, escaped
// for where it lands: a string literal, a JSDoc comment, a `//` comment or a property name. A hostile
// spec can change what the generated code says, never what it does.

import { EmitError } from "./emit-error.js";

/** Characters that end a line in JavaScript (or look like they do to an editor), besides `\n`. */
const LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;
/** C0 and C1 controls except tab and newline, and DEL. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Invisible format characters: bidirectional controls, which make an editor show code in another
 * order than the compiler reads it (Trojan Source, CVE-2021-42574), zero-width characters and the BOM.
 * Written as `\uXXXX` everywhere, in strings and in comments, so a reviewer sees them. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const IDENTIFIER_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * A double-quoted JavaScript string literal: JSON escaping (quotes, backslashes, controls, lone
 * surrogates), plus U+2028/U+2029, invisible format characters and `</` (so the code can be inlined
 * in a `<script>`).
 *
 * @example stringLiteral('say "hi"\u2028</script>') // "\"say \\\"hi\\\"\\u2028<\\/script>\""
 */
export function stringLiteral(value: string): string {
  const json = JSON.stringify(value);
  if (!NEEDS_MORE.test(json)) return json;
  return json
    .replace(/[\u2028\u2029]/g, unicodeEscape)
    .replace(INVISIBLE, unicodeEscape)
    .replace(/<\//g, "<\\/")
    .replace(/<!--/g, "\\u003c!--");
}

const NEEDS_MORE = /[\u2028\u2029<\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

/** `topic` stays bare (reserved words are valid property names); anything else is quoted. */
export function propertyName(name: string): string {
  return IDENTIFIER_NAME.test(name) && name !== "__proto__" ? name : stringLiteral(name);
}

/** `object.name`, or `object["name"]` when the name is not an identifier. */
export function propertyAccess(object: string, name: string): string {
  return IDENTIFIER_NAME.test(name) ? `${object}.${name}` : `${object}[${stringLiteral(name)}]`;
}

/**
 * The lines of a JSDoc comment's text: line breaks of every kind normalized, controls blanked,
 * invisible format characters written as `\uXXXX`, `*\/` broken up so the text cannot end the
 * comment, and `@` at the start of a line escaped so text cannot turn into a tag. Leading and
 * trailing blank lines are dropped.
 */
export function docLines(text: string): string[] {
  const lines = text
    .replace(LINE_BREAKS, "\n")
    .replace(CONTROLS, " ")
    .replace(INVISIBLE, unicodeEscape)
    .replace(/\*\//g, "*\\/")
    .split("\n")
    .map((line) => line.replace(/\s+$/, "").replace(/^(\s*)@/, "$1\\@"));
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start] === "") start++;
  while (end > start && lines[end - 1] === "") end--;
  return lines.slice(start, end);
}

/** Text for a `//` comment: one line whatever it holds (line breaks, controls and invisible format
 * characters become `\uXXXX`). */
export function lineCommentText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, unicodeEscape).replace(INVISIBLE, unicodeEscape);
}

/**
 * A value from the spec (a default or an enum value: what YAML gives) as a JavaScript expression.
 * Object keys are quoted as needed, and `__proto__` is written as a computed key so it stays an own
 * property instead of setting the prototype.
 * @throws EmitError for values YAML data cannot hold (functions, cycles, class instances).
 */
export function literal(value: unknown): string {
  return writeLiteral(value, new Set());
}

function writeLiteral(value: unknown, ancestors: Set<object>): string {
  switch (typeof value) {
    case "string":
      return stringLiteral(value);
    case "boolean":
      return String(value);
    case "number":
      if (Number.isNaN(value)) return "NaN";
      if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
      return Object.is(value, -0) ? "-0" : String(value);
    case "object": {
      if (value === null) return "null";
      if (ancestors.has(value)) throw new EmitError("a value refers to itself");
      ancestors.add(value);
      try {
        if (Array.isArray(value)) return `[${value.map((item) => writeLiteral(item, ancestors)).join(", ")}]`;
        const prototype = Object.getPrototypeOf(value) as unknown;
        if (prototype !== Object.prototype && prototype !== null) throw new EmitError("a value is not plain data");
        const entries = Object.entries(value).map(([key, item]) => {
          const name = key === "__proto__" ? `[${stringLiteral(key)}]` : propertyName(key);
          return `${name}: ${writeLiteral(item, ancestors)}`;
        });
        return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
      } finally {
        ancestors.delete(value);
      }
    }
    default:
      throw new EmitError(`a value of type ${typeof value} cannot be written as code`);
  }
}
