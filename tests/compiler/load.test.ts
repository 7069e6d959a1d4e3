// Hostile inputs: whatever the bytes, the front end (load → schema) ends quickly with a positioned
// `yaml-syntax` or `schema` diagnostic, and never throws.

import { describe, expect, test } from "vitest";
import { hasErrors, type Diagnostic } from "../../compiler/diagnostics.js";
import { loadYaml } from "../../compiler/load.js";
import { checkSchema } from "../../compiler/schema-check.js";
import { cpuNow } from "../support/cpu-time.js";

/** The requirement is 1 s; the assertion leaves room for a loaded, shared CI machine. */
const GENEROUS_MS = 3000;

function frontEnd(source: string): { diagnostics: Diagnostic[]; ms: number } {
  const started = cpuNow(); // CPU time, not the wall clock (tests/support/cpu-time.ts)
  const loaded = loadYaml(source, "hostile.yaml");
  const diagnostics =
    loaded.data === undefined || hasErrors(loaded.diagnostics)
      ? loaded.diagnostics
      : [...loaded.diagnostics, ...checkSchema(loaded.data, loaded.locator, "hostile.yaml")];
  return { diagnostics, ms: cpuNow() - started };
}

/** Deterministic "random" bytes (a linear congruential generator), so failures reproduce. */
function junkBytes(length: number, { newlines }: { newlines: boolean }): string {
  let seed = 1;
  const bytes: number[] = [];
  while (bytes.length < length) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const byte = seed >>> 23;
    if (newlines || (byte !== 10 && byte !== 13)) bytes.push(byte);
  }
  return Buffer.from(bytes).toString("latin1");
}

const SPEC_HEAD = "flowspec: 1\nworkflow: Hostile\n";

const ALIAS_BOMB = [
  'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ...["b", "c", "d", "e", "f", "g", "h", "i"].map((name, i) => {
    const previous = String.fromCharCode("a".charCodeAt(0) + i);
    return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]`;
  }),
].join("\n");

interface HostileCase {
  name: string;
  source: () => string;
  code: Diagnostic["code"];
  /** The line of the first diagnostic, when the input pins it down. */
  line?: number;
  column?: number;
}

const CASES: HostileCase[] = [
  { name: "a 5 MB file", source: () => `${SPEC_HEAD}# ${"x".repeat(5 * 1024 * 1024)}\n`, code: "yaml-syntax", line: 1, column: 1 },
  { name: "10,000-deep flow sequences", source: () => "[".repeat(10_000) + "]".repeat(10_000), code: "yaml-syntax", line: 1 },
  { name: "10,000-deep flow mappings", source: () => "{a: ".repeat(10_000) + "1" + "}".repeat(10_000), code: "yaml-syntax", line: 1 },
  {
    name: "10,000-deep flow nesting inside a step",
    source: () => `${SPEC_HEAD}steps:\n  a:\n    accepts: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`,
    code: "yaml-syntax",
    line: 5,
  },
  { name: "10,000-deep block sequences (compact)", source: () => `${"- ".repeat(10_000)}x\n`, code: "yaml-syntax", line: 1 },
  {
    name: "10,000-deep block mappings (over the size limit)",
    source: () => Array.from({ length: 10_000 }, (_, depth) => `${" ".repeat(depth)}a:`).join("\n"),
    code: "yaml-syntax",
    line: 1,
  },
  { name: "an alias bomb", source: () => ALIAS_BOMB, code: "yaml-syntax", line: 1, column: 1 },
  { name: "binary junk", source: () => junkBytes(64 * 1024, { newlines: true }), code: "yaml-syntax" },
  { name: "binary junk after a valid head", source: () => `${SPEC_HEAD}${junkBytes(4096, { newlines: false })}\n`, code: "yaml-syntax", line: 3, column: 1 },
  { name: "control characters", source: () => `${SPEC_HEAD}${"\u0000\u0001\u00ff".repeat(100)}\n`, code: "yaml-syntax", line: 3, column: 1 },
  {
    name: "duplicate keys",
    source: () => `${SPEC_HEAD}steps:\n  a: { accepts: StartEvent }\n  a: { accepts: StartEvent }\n`,
    code: "yaml-syntax",
    line: 5,
    column: 3,
  },
  { name: "tabs as indentation", source: () => `${SPEC_HEAD}steps:\n\ta:\n\t\taccepts: StartEvent\n`, code: "yaml-syntax", line: 4, column: 1 },
  { name: "a tab before a nested key", source: () => `${SPEC_HEAD}steps:\n  a:\n\taccepts: StartEvent\n`, code: "yaml-syntax", line: 5, column: 1 },
  { name: "a scalar document", source: () => "just some words\n", code: "schema", line: 1, column: 1 },
];

/** yaml's own duplicate-key check is quadratic; load.ts checks duplicates in linear time instead. */
const MANY_KEYS: HostileCase[] = [
  {
    name: "60,000 keys in one mapping (900 KB)",
    source: () => `${SPEC_HEAD}steps: {${Array.from({ length: 60_000 }, (_, i) => `k${i}: 1`).join(", ")}}\n`,
    code: "schema",
    line: 3,
  },
];

describe("hostile input", () => {
  test.each(MANY_KEYS)("$name ends quickly in a positioned $code diagnostic", (hostile) => expectQuickDiagnostic(hostile));
  test.each(CASES)("$name ends quickly in a positioned $code diagnostic", (hostile) => expectQuickDiagnostic(hostile));
});

function expectQuickDiagnostic({ source, code, line, column }: HostileCase): void {
  const text = source();
  let result: ReturnType<typeof frontEnd> | undefined;
  expect(() => (result = frontEnd(text))).not.toThrow();
  const { diagnostics, ms } = result!;

  expect(ms).toBeLessThan(GENEROUS_MS);
  expect(diagnostics.length).toBeGreaterThan(0);
  const first = diagnostics[0]!;
  expect(first).toMatchObject({ code, severity: "error" });
  expect(first.line).toBeGreaterThanOrEqual(1);
  expect(first.column).toBeGreaterThanOrEqual(1);
  if (line !== undefined) expect(first.line).toBe(line);
  if (column !== undefined) expect(first.column).toBe(column);
}
