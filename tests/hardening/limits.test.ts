// Resource limits (SECURITY.md): the size, depth, alias and diagnostic limits at their boundaries, the
// attacks just inside them (alias amplification, huge lists, slow "did you mean", catastrophic
// patterns), and resource module paths that leave the project. tests/compiler/load.test.ts has the
// basic hostile inputs (5 MB file, 10,000-deep nesting, the classic alias bomb); these extend them.

import { describe, expect, test } from "vitest";
import { analyze } from "../../compiler/analyze.js";
import { compile } from "../../compiler/compile.js";
import type { Diagnostic } from "../../compiler/diagnostics.js";
import { LIMITS, loadYaml } from "../../compiler/load.js";
import { MAX_SCHEMA_DIAGNOSTICS } from "../../compiler/schema-check.js";
import { cpuTimed } from "../support/cpu-time.js";

/** Well above the few hundred milliseconds these take when fixed; a loaded CI machine stays green. */
const QUICK_MS = 3000;

/** CPU time, not the wall clock (see tests/support/cpu-time.ts). */
const timed = cpuTimed;

const VALID_TAIL = "steps:\n  go: { accepts: StartEvent, emits: StopEvent }\n";

function spec(body: string): string {
  return `flowspec: 1\nworkflow: Limits\n${body}${VALID_TAIL}`;
}

const sizeError = (diagnostics: readonly Diagnostic[]) => diagnostics.find((d) => /byte limit/.test(d.message));

describe("size", () => {
  test(`exactly ${LIMITS.maxBytes} bytes is read; one more byte is refused at 1:1`, () => {
    const head = spec("");
    const padding = (extra: number) => `# ${"x".repeat(LIMITS.maxBytes - Buffer.byteLength(head) - 3 + extra)}\n`;
    const atLimit = head + padding(0);
    expect(Buffer.byteLength(atLimit)).toBe(LIMITS.maxBytes);
    expect(analyze(atLimit).diagnostics).toEqual([]);
    const over = analyze(head + padding(1)).diagnostics;
    expect(Buffer.byteLength(head + padding(1))).toBe(LIMITS.maxBytes + 1);
    expect(over).toHaveLength(1);
    expect(over[0]).toMatchObject({ code: "yaml-syntax", line: 1, column: 1 });
  });

  test("the limit counts UTF-8 bytes, not UTF-16 units", () => {
    const source = `${spec("")}# ${"é".repeat(LIMITS.maxBytes / 2)}\n`;
    expect(source.length).toBeLessThan(LIMITS.maxBytes);
    expect(sizeError(analyze(source).diagnostics)).toBeDefined();
  });
});

describe("nesting depth", () => {
  const depthError = (source: string) => loadYaml(source).diagnostics.find((d) => /nesting is too deep/.test(d.message));

  test(`${LIMITS.maxDepth} levels of lists are read, ${LIMITS.maxDepth + 1} are refused`, () => {
    const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}\n`;
    expect(depthError(nested(LIMITS.maxDepth))).toBeUndefined();
    expect(depthError(nested(LIMITS.maxDepth + 1))).toMatchObject({ code: "yaml-syntax", line: 1 });
  });

  test(`block mappings: ${LIMITS.maxDepth + 1} levels are refused, at the mapping that crosses the limit`, () => {
    const nested = (depth: number) => Array.from({ length: depth }, (_, i) => `${"  ".repeat(i)}k${i}:${i === depth - 1 ? " 1" : ""}`).join("\n");
    expect(depthError(nested(LIMITS.maxDepth))).toBeUndefined();
    const error = depthError(nested(LIMITS.maxDepth + 1));
    expect(error).toBeDefined();
    expect(error!.line).toBe(LIMITS.maxDepth + 1);
  });

  test("deep type texts end in a diagnostic, not a stack overflow", () => {
    for (const type of [`${"map<".repeat(5000)}string${">".repeat(5000)}`, `string${"[]".repeat(100_000)}`, `${"map<".repeat(20)}string${">".repeat(20)}${"[]".repeat(20)}?`]) {
      const { value, ms } = timed(() => analyze(spec(`state:\n  deep: "${type}?"\n`)).diagnostics);
      expect(ms).toBeLessThan(QUICK_MS);
      expect(value.some((d) => d.severity === "error"), type.slice(0, 30)).toBe(true);
    }
  });
});

describe("aliases", () => {
  test("a spec that reuses a list through an alias compiles, and means what the spelled-out spec means", () => {
    const aliased = `flowspec: 1\nworkflow: Reuse\nevents:\n  A: {}\n  B: {}\nsteps:\n  one: { accepts: StartEvent, emits: &out [A, B] }\n  two: { accepts: [A, B], emits: StopEvent }\n  three: { accepts: StartEvent, emits: *out }\n`;
    const spelled = aliased.replace("&out [A, B]", "[A, B]").replace("*out", "[A, B]");
    const a = compile(aliased, { path: "reuse.yaml" });
    expect(a.diagnostics).toEqual([]);
    expect(a.files[0]!.contents).toBe(compile(spelled, { path: "reuse.yaml" }).files[0]!.contents);
  });

  test("linear amplification (99 aliases of a 20,000-item list, under maxAliasCount) is refused quickly", () => {
    const list = `&big [${Array(20_000).fill("1").join(",")}]`;
    const source = spec(`state:\n  blob: { type: unknown, default: [${list}, ${Array(98).fill("*big").join(", ")}] }\n`);
    const { value, ms } = timed(() => compile(source));
    expect(ms).toBeLessThan(QUICK_MS);
    expect(value.files).toEqual([]);
    const bomb = value.diagnostics.find((d) => /alias/.test(d.message));
    expect(bomb).toMatchObject({ code: "yaml-syntax", line: 4 });
  });

  test("an alias inside its own anchor (a cyclic value) and an unknown alias are refused where they are", () => {
    // yaml turns `&x [1, *x]` into an array that contains itself; nothing after the loader expects one.
    expect(analyze(spec("state:\n  a: { type: unknown, default: &x [1, *x] }\n")).diagnostics).toMatchObject([{ code: "yaml-syntax", line: 4, column: 39 }]);
    expect(analyze(spec("state:\n  a: { type: unknown, default: *nowhere }\n")).diagnostics).toMatchObject([{ code: "yaml-syntax", line: 4, column: 32 }]);
  });

  test("`<<` merge keys are not merged (YAML 1.2): an unknown key, not silently copied fields", () => {
    const source = `flowspec: 1\nworkflow: Merge\nbase: &base { accepts: StartEvent }\nsteps:\n  go:\n    <<: *base\n    emits: StopEvent\n`;
    const codes = analyze(source).diagnostics.map((d) => d.code);
    expect(codes).toContain("schema");
  });
});

describe("YAML features a spec does not get", () => {
  test.each(['!!js/function "function () { process.exit(1) }"', "!local x", "!!binary aGVsbG8=", "!!set { a, b }", "!!timestamp 2001-12-14", "!!omap [ a: 1 ]", "!!pairs [ a: 1 ]"])(
    "the tag in `default: %s` is refused (never resolved to a function, Uint8Array, Set, Map or Date)",
    (value) => {
      const source = spec(`state:\n  a: { type: unknown, default: ${value} }\n`);
      expect(analyze(source).diagnostics).toMatchObject([{ code: "yaml-syntax", line: 4, column: 32 }]);
      expect(compile(source).files).toEqual([]);
    },
  );

  test("a `%YAML 1.1` directive does not bring YAML 1.1's meanings (yes → true, dates, binary, base 2)", () => {
    const source = `%YAML 1.1\n---\n${spec("state:\n  a: { type: unknown, default: [yes, 0b101, 1_000, 2001-12-14] }\n")}`;
    const { model, diagnostics } = analyze(source);
    expect(diagnostics).toEqual([]);
    expect(model!.state[0]!.default).toEqual(["yes", "0b101", "1_000", "2001-12-14"]);
  });
});

describe("diagnostic counts", () => {
  // 150,000 of anything is past the argument limit of a `push(...spread)`, which used to throw here.
  test(`150,000 duplicate keys give at most ${LIMITS.maxDiagnostics} + 1 diagnostics, and no exception`, () => {
    const source = "a: 1\n".repeat(150_000);
    const { value, ms } = timed(() => analyze(source).diagnostics);
    expect(ms).toBeLessThan(3 * QUICK_MS);
    expect(value.length).toBeLessThanOrEqual(LIMITS.maxDiagnostics + 1);
    expect(value[0]).toMatchObject({ code: "yaml-syntax", line: 2, column: 1 });
    expect(value[value.length - 1]!.message).toMatch(/^\d+ more duplicate keys not shown$/);
  });

  test(`150,000 wrong items in one list: at most ${MAX_SCHEMA_DIAGNOSTICS} + 1 schema diagnostics, and no exception`, () => {
    const source = `flowspec: 1\nworkflow: W\nsteps:\n  a: { accepts: [${Array(150_000).fill("1").join(",")}] }\n`;
    const { value, ms } = timed(() => analyze(source).diagnostics);
    expect(ms).toBeLessThan(3 * QUICK_MS);
    expect(value.length).toBeGreaterThan(0);
    expect(value.length).toBeLessThanOrEqual(MAX_SCHEMA_DIAGNOSTICS + 1);
  });
});

describe("checks that cost more than the text", () => {
  test("'did you mean' stays cheap with long names (a 66 KB spec)", () => {
    // 500 events with 100-character names; 30 steps accept a misspelling of one. Each misspelling is
    // compared with every event name by edit distance, O(length²) each: 30 × 500 × 10,000 cells.
    const name = (i: number) => `E${i}`.padEnd(100, "x");
    const events = Array.from({ length: 500 }, (_, i) => `  ${name(i)}: {}`).join("\n");
    const steps = Array.from({ length: 30 }, (_, i) => `  s${i}: { accepts: ${name(i).slice(0, -1)}y, emits: StopEvent }`).join("\n");
    const source = `flowspec: 1\nworkflow: W\nevents:\n${events}\nsteps:\n${steps}\n`;
    const { value, ms } = timed(() => analyze(source).diagnostics);
    expect(value.filter((d) => d.code === "unknown-event")).toHaveLength(30);
    expect(ms).toBeLessThan(1500);
  });

  test("a catastrophically backtracking pattern costs its time limit once, not once per enum value", () => {
    // Each match of `^(a+)+$` against `aaa…a!` runs until safe-regex.ts's 50 ms limit stops it.
    const values = Array.from({ length: 40 }, (_, i) => `"${"a".repeat(32)}!${i}"`).join(", ");
    const source = spec(`state:\n  s: { type: string, pattern: "^(a+)+$", enum: [${values}], default: "aaaa" }\n`);
    const { value, ms } = timed(() => analyze(source).diagnostics);
    expect(value.some((d) => d.code === "invalid-default" && /in time/.test(d.message))).toBe(true);
    expect(ms).toBeLessThan(1000);
  });
});

describe("resource module paths", () => {
  const withModule = (module: string) => `flowspec: 1
workflow: Paths
resources:
  llm: { type: Llm, module: ${JSON.stringify(module)}, factory: createLlm }
steps:
  go: { accepts: StartEvent, emits: StopEvent, resources: [llm] }
`;
  const unsafe = (module: string, path = "specs/paths.yaml") => analyze(withModule(module), { path }).diagnostics.filter((d) => d.code === "unsafe-module-path");

  test.each(["/etc/x.js", "C:\\x\\llm.js", "\\\\server\\share\\llm.js", "file:///etc/x.js", "https://example.com/llm.js", "data:text/javascript,export const createLlm = () => 1", "HTTPS://EXAMPLE.COM/X.JS"])(
    "%s earns an unsafe-module-path warning at the module value, and still compiles",
    (module) => {
      const found = unsafe(module);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ severity: "warning", line: 4 });
      expect(compile(withModule(module), { path: "specs/paths.yaml" }).files).toHaveLength(1);
    },
  );

  test.each(["./support/llm.js", "../src/llm.js", "openai", "@scope/pkg/sub.js", "node:fs"])("%s is fine", (module) => {
    expect(unsafe(module)).toEqual([]);
  });

  test.each(["../../../../etc/x.js", "./../../../x.js", "./support/../../../../x.js", "../../outside.js"])(
    "%s, from specs/paths.yaml, leaves the project: at least a warning",
    (module) => {
      expect(unsafe(module).length).toBeGreaterThan(0);
    },
  );
});
