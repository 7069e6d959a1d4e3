// Property: whatever is done to a valid spec, as text or as data, `analyze()` never throws, never
// takes long, and answers with well-formed diagnostics: a known code with its severity, a message
// with no raw control characters (it is printed to terminals), and a position inside the file
// (1 <= line <= lineCount, 1 <= column <= that line's length + 1, the end not before the start).
// `compile()` agrees: errors mean no output; no errors mean one module that parses.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { runs, SEED, timeout } from "./support/fuzz-config.js";
import { analyze } from "../../compiler/analyze.js";
import { compile } from "../../compiler/compile.js";
import { hasErrors, type Diagnostic } from "../../compiler/diagnostics.js";
import { dataMutation, textMutation, toYaml } from "./support/mutate.js";
import { validSpec } from "./support/spec-gen.js";
import { REPO } from "./support/tmp-project.js";
import { syntaxErrors } from "./support/typescript.js";
import { cpuNow } from "../support/cpu-time.js";

const TEXT_RUNS = runs(200);
const DATA_RUNS = runs(120);
/** Far above the usual few milliseconds; a loaded CI machine must not make it flaky. */
const MAX_MS = 2000;

const CODES = new Map<string, "error" | "warning">([
  ...["yaml-syntax", "schema", "invalid-identifier", "duplicate-name", "unknown-event", "unknown-type", "unknown-resource", "invalid-default",
    "state-field-needs-default", "multiple-start-events", "no-start-step", "unreachable-step", "unconsumed-event", "unproduced-event",
    "accepts-stop-event", "routed-stream-event", "no-stop-path", "dead-end-step", "wrong-start-event", "no-human-response-step"].map((code) => [code, "error"] as const),
  ...["unused-event", "unused-resource", "unused-type", "unsafe-module-path"].map((code) => [code, "warning"] as const),
]);

/** The specs in the repo, and generated ones: what the mutations start from. */
function corpus(): { texts: string[]; docs: Record<string, unknown>[] } {
  const generated = fc.sample(validSpec(), { seed: 1234, numRuns: 12 });
  const files = ["specs", "tests/fixtures/emit", "tests/fixtures/invalid"].flatMap((dir) =>
    readdirSync(join(REPO, dir))
      .filter((name) => name.endsWith(".yaml"))
      .map((name) => readFileSync(join(REPO, dir, name), "utf8")),
  );
  return { texts: [...files, ...generated.map((spec) => spec.yaml)], docs: generated.map((spec) => spec.doc) };
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Problems with one diagnostic, as text (empty when it is well formed). */
export function diagnosticProblems(source: string, d: Diagnostic): string[] {
  // YAML 1.2 line breaks: CR LF, LF, and a lone CR.
  const lines = source.split(/\r\n|\r|\n/);
  const problems: string[] = [];
  const where = `${d.code} at ${d.line}:${d.column}`;
  const inside = (line: number, column: number) => Number.isInteger(line) && Number.isInteger(column) && line >= 1 && line <= lines.length && column >= 1 && column <= lines[line - 1]!.length + 1;
  if (!CODES.has(d.code)) problems.push(`unknown code ${d.code}`);
  else if (CODES.get(d.code) !== d.severity) problems.push(`${where}: severity ${d.severity}`);
  if (typeof d.message !== "string" || d.message.length === 0) problems.push(`${where}: empty message`);
  else if (CONTROL.test(d.message)) problems.push(`${where}: raw control character in message ${JSON.stringify(d.message)}`);
  else if (d.message.length > 1000) problems.push(`${where}: message of ${d.message.length} characters`);
  if (!inside(d.line, d.column)) problems.push(`${where}: outside the file (${lines.length} lines, line length ${lines[d.line - 1]?.length})`);
  if (d.endLine !== undefined || d.endColumn !== undefined) {
    if (d.endLine === undefined || d.endColumn === undefined || !inside(d.endLine, d.endColumn)) problems.push(`${where}: end ${d.endLine}:${d.endColumn} outside the file`);
    else if (d.endLine < d.line || (d.endLine === d.line && d.endColumn < d.column)) problems.push(`${where}: end ${d.endLine}:${d.endColumn} before the start`);
  }
  return problems;
}

/** Everything the property asserts about one source; returns the problems found. */
function judge(source: string): string[] {
  const problems: string[] = [];
  let diagnostics: Diagnostic[];
  const started = cpuNow(); // CPU time: another busy process must not fail this
  try {
    diagnostics = analyze(source, { path: "mutated.yaml" }).diagnostics;
  } catch (error) {
    return [`analyze threw ${error instanceof Error ? error.stack : String(error)}`];
  }
  const ms = cpuNow() - started;
  if (ms > MAX_MS) problems.push(`analyze took ${Math.round(ms)} ms`);
  for (const d of diagnostics) problems.push(...diagnosticProblems(source, d));

  let compiled: ReturnType<typeof compile>;
  try {
    compiled = compile(source, { path: "mutated.yaml" });
  } catch (error) {
    return [...problems, `compile threw ${error instanceof Error ? error.stack : String(error)}`];
  }
  // The emitter's own refusals (EmitError) mean a check missed something: they must not happen.
  const extra = compiled.diagnostics.filter((d) => !diagnostics.some((a) => a.code === d.code && a.line === d.line && a.column === d.column && a.message === d.message));
  for (const d of extra) problems.push(`compile reported what analyze did not: ${d.code} ${d.line}:${d.column} ${d.message}`);
  if (hasErrors(compiled.diagnostics) && compiled.files.length > 0) problems.push("compile emitted despite errors");
  if (!hasErrors(compiled.diagnostics)) {
    if (compiled.files.length !== 1) problems.push(`compile emitted ${compiled.files.length} files without errors`);
    else problems.push(...syntaxErrors(compiled.files[0]!.contents).map((e) => `emitted code does not parse: ${e}`));
  }
  return problems;
}

describe("mutated specs end in diagnostics, never in exceptions", () => {
  const { texts, docs } = corpus();

  test(`${TEXT_RUNS} text mutations`, { timeout: timeout(60_000) }, () => {
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.array(textMutation, { minLength: 1, maxLength: 4 }), (text, mutations) => {
        const source = mutations.reduce((current, mutate) => mutate(current), text);
        expect(judge(source), JSON.stringify(source)).toEqual([]);
      }),
      { seed: SEED, numRuns: TEXT_RUNS, endOnFailure: true },
    );
  });

  test(`${DATA_RUNS} data mutations`, { timeout: timeout(60_000) }, () => {
    fc.assert(
      fc.property(fc.constantFrom(...docs), fc.array(dataMutation, { minLength: 1, maxLength: 3 }), (doc, mutations) => {
        const source = toYaml(mutations.reduce((current, mutate) => mutate(current), doc));
        expect(judge(source), source).toEqual([]);
      }),
      { seed: SEED, numRuns: DATA_RUNS, endOnFailure: true },
    );
  });

  test("positions stay inside files with CRLF, lone CR, a BOM, and no final newline", () => {
    const base = readFileSync(join(REPO, "tests/fixtures/invalid/unreachable-step.yaml"), "utf8");
    for (const source of [base.replace(/\n/g, "\r\n"), base.replace(/\n/g, "\r"), `\ufeff${base}`, base.trimEnd(), "", "\n", "steps:", "flowspec: 1\nworkflow: X\nsteps: {"]) {
      expect(judge(source), JSON.stringify(source)).toEqual([]);
    }
  });
});
