// Mutations of valid specs, as text (cut, junk bytes and lines, duplicated lines and so keys, broken
// indentation, swapped lines) and as data (keys deleted or renamed, values retyped), for the property
// that the compiler answers everything with diagnostics and never with an exception or a hang.

import fc from "fast-check";
import { stringify } from "yaml";

/** Bytes and lines that mean something to a YAML parser, or to nothing at all. */
const JUNK = [
  "\u0000", "\u0001", "\t", "\r", "\r\n", "\ufeff", "\u2028", "\ud800", "\uffff", ":", ": ", "- ", "? ", "&a ", "*a", "*a ", "&a [1, *a]",
  "!!binary ", "!!js/function ", "!<tag:x> ", "!local ", "%YAML 1.1\n", "%TAG ! tag:x:\n", "---\n", "...\n", "{", "}", "[", "]", ",", "\"", "'",
  "|", ">", "|-\n", "#", "<<: *a", "@", "`", "\\", "\\u0000", "~", "null", "0x", "1e999", "-.inf", ".nan", "&x\n", "\n\n\n",
];
const JUNK_LINES = [
  "steps:", "events:", "  x:", "    accepts: [", "    emits: ]", "- - -", "a: &a [*a]", "<<: {}", "  ? [a, b]\n  : c", "flowspec: 2",
  "workflow: 1", "  accepts: StartEvent", "    kind: start", "types: []", "state: null", "      default: !!float x", "\t- x",
  "    fields: { a: string, a: number }", "steps: &s { a: *s }", "    retry: { attempts: 0 }",
];

export type TextMutation = (text: string) => string;

const at = (text: string, position: number) => Math.min(text.length, Math.floor(position * (text.length + 1)));
const lineIndex = (lines: string[], position: number) => Math.min(lines.length - 1, Math.floor(position * lines.length));
const position = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

function onLines(mutate: (lines: string[], i: number) => void): fc.Arbitrary<TextMutation> {
  return position.map((p) => (text) => {
    const lines = text.split("\n");
    mutate(lines, lineIndex(lines, p));
    return lines.join("\n");
  });
}

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  // cut the text at a random point
  position.map((p) => (text: string) => text.slice(0, at(text, p))),
  // insert junk bytes
  fc.tuple(position, fc.oneof(fc.constantFrom(...JUNK), fc.string({ unit: "binary", minLength: 1, maxLength: 6 }))).map(
    ([p, junk]) => (text: string) => text.slice(0, at(text, p)) + junk + text.slice(at(text, p)),
  ),
  // replace one character
  fc.tuple(position, fc.constantFrom(...JUNK)).map(([p, junk]) => (text: string) => text.slice(0, at(text, p)) + junk + text.slice(at(text, p) + 1)),
  // insert a junk line
  fc.tuple(position, fc.oneof(fc.constantFrom(...JUNK_LINES), fc.string({ maxLength: 20 }))).map(([p, line]) => (text: string) => {
    const lines = text.split("\n");
    lines.splice(lineIndex(lines, p), 0, line);
    return lines.join("\n");
  }),
  // duplicate a line (a duplicate key when it holds one)
  onLines((lines, i) => lines.splice(i, 0, lines[i]!)),
  // delete a line
  onLines((lines, i) => lines.splice(i, 1)),
  // change a line's indentation: deeper, shallower, or tabs
  fc.tuple(position, fc.constantFrom("+2", "+1", "-2", "-1", "tab", "strip")).map(([p, how]) => (text: string) => {
    const lines = text.split("\n");
    const i = lineIndex(lines, p);
    const line = lines[i]!;
    const indent = /^ */.exec(line)![0].length;
    const body = line.slice(indent);
    const next = { "+2": indent + 2, "+1": indent + 1, "-2": indent - 2, "-1": indent - 1, tab: -1, strip: 0 }[how]!;
    lines[i] = how === "tab" ? `\t${line}` : " ".repeat(Math.max(0, next)) + body;
    return lines.join("\n");
  }),
  // swap two lines
  fc.tuple(position, position).map(([p, q]) => (text: string) => {
    const lines = text.split("\n");
    const i = lineIndex(lines, p);
    const j = lineIndex(lines, q);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return lines.join("\n");
  }),
  // line endings: CRLF everywhere, or lone CRs
  fc.constantFrom((text: string) => text.replace(/\n/g, "\r\n"), (text: string) => text.replace(/\n/g, "\r")),
);

/** Every path to a value in a document. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push([...prefix, i], ...pathsOf(item, [...prefix, i])));
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) paths.push([...prefix, key], ...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

/** Values of every YAML type, and texts that almost mean something. */
const RETYPED: unknown[] = [
  null, 0, -1, 1.5, 1e308, -0, "", "x", true, false, [], {}, [1, 2], { a: 1 }, "string??", "map<", "map<string", "string[", "Shape0",
  "StopEvent", "StartEvent", "__proto__", "constructor", "Ev999", "a b", "1abc", "é", "await", "$x", "__x", [null], { type: "string", default: 1 },
  { kind: "nope" }, "https://example.com/x.js", "/etc/passwd", "../../../../etc/x.js", "\u0000", "x".repeat(300),
];
const RENAMED = ["acepts", "emit", "kind ", "Accepts", "", " ", "__proto__", "constructor", "toString", "x-y", "1", "steps", "type", "fields"];

export type DataMutation = (doc: Record<string, unknown>) => Record<string, unknown>;

export const dataMutation: fc.Arbitrary<DataMutation> = fc.tuple(position, fc.constantFrom("delete", "rename", "retype", "copy"), fc.constantFrom(...RETYPED), fc.constantFrom(...RENAMED)).map(
  ([p, how, retyped, renamed]) =>
    (original) => {
      const doc = structuredClone(original);
      const paths = pathsOf(doc);
      if (paths.length === 0) return doc;
      const path = paths[Math.min(paths.length - 1, Math.floor(p * paths.length))]!;
      const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], doc) as Record<string | number, unknown> | unknown[];
      const key = path[path.length - 1]!;
      if (Array.isArray(parent)) {
        if (how === "delete") parent.splice(Number(key), 1);
        else parent[Number(key)] = how === "copy" ? structuredClone(parent[0]) : retyped;
        return doc;
      }
      const value = parent[key];
      switch (how) {
        case "delete":
          delete parent[key];
          break;
        case "rename":
          delete parent[key];
          Object.defineProperty(parent, renamed, { value, enumerable: true, configurable: true, writable: true });
          break;
        case "retype":
          parent[key] = retyped;
          break;
        case "copy":
          Object.defineProperty(parent, `${String(key)}_copy`, { value: structuredClone(value), enumerable: true, configurable: true, writable: true });
          break;
      }
      return doc;
    },
);

/** A document as YAML again (`__proto__` keys included, as own keys). */
export function toYaml(doc: Record<string, unknown>): string {
  return stringify(doc);
}
