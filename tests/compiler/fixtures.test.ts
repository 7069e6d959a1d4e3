// Baselines: each tests/fixtures/invalid/<code>.yaml states the diagnostics it must produce in
// `# expect: <code> <line>:<column>` lines, and analyze() must report exactly those. Every spec in
// specs/ must analyze clean: no errors, no warnings.

import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyze } from "../../compiler/analyze.js";
import type { DiagnosticCode } from "../../compiler/diagnostics.js";
import { readModuleFromDisk } from "../../compiler/module-reader.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const fixturesDir = join(root, "tests/fixtures/invalid");
const specsDir = join(root, "specs");

/** Every code in DESIGN.md's table, plus the codes README.md's "Additions to the contract" lists. */
const ALL_CODES: DiagnosticCode[] = [
  "yaml-syntax", "schema", "invalid-identifier", "duplicate-name", "unknown-event", "unknown-type",
  "unknown-resource", "invalid-default", "state-field-needs-default", "multiple-start-events",
  "no-start-step", "unreachable-step", "unconsumed-event", "unproduced-event", "accepts-stop-event",
  "routed-stream-event", "no-stop-path", "dead-end-step", "unused-event", "unused-resource",
  "unused-type", "unsafe-module-path", "wrong-start-event", "no-human-response-step",
  "missing-module", "missing-export", "unchecked-import",
];

interface Expected {
  code: string;
  line: number;
  column: number;
}

function expectations(source: string): Expected[] {
  return [...source.matchAll(/^# expect: ([a-z-]+) (\d+):(\d+)\s*$/gm)].map((m) => ({ code: m[1]!, line: Number(m[2]), column: Number(m[3]) }));
}

const byPosition = (a: Expected, b: Expected) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(dir, name))
    .sort();
}

describe("invalid fixtures", () => {
  const fixtures = yamlFiles(fixturesDir);

  it("has one fixture per diagnostic code", () => {
    const names = fixtures.map((file) => relative(fixturesDir, file).replace(/\.ya?ml$/, ""));
    expect(names.sort()).toEqual([...ALL_CODES].sort());
  });

  for (const file of fixtures) {
    const name = relative(fixturesDir, file);
    it(`${name} reports exactly its expected diagnostics`, () => {
      const source = readFileSync(file, "utf8");
      const expected = expectations(source);
      expect(expected.map((e) => e.code), "the fixture expects its own code").toContain(name.replace(/\.ya?ml$/, ""));

      // Imported types' modules are read beside the fixtures (support/schemas.ts).
      const { diagnostics } = analyze(source, { path: name, readModule: readModuleFromDisk(fixturesDir) });
      const reported = diagnostics.map(({ code, line, column }) => ({ code, line, column }));
      expect(reported.sort(byPosition)).toEqual(expected.sort(byPosition));
      for (const d of diagnostics) {
        expect(d.file).toBe(name);
        expect(d.message.length).toBeGreaterThan(0);
      }
    });
  }
});

describe("valid specs", () => {
  const specs = yamlFiles(specsDir);

  it("specs/ holds at least one spec", () => {
    expect(specs.length).toBeGreaterThan(0);
  });

  for (const file of specs) {
    const name = relative(root, file);
    it(`${name} analyzes with no errors and no warnings`, () => {
      const { model, diagnostics } = analyze(readFileSync(file, "utf8"), { path: name, readModule: readModuleFromDisk(root) });
      expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`)).toEqual([]);
      expect(model).toBeDefined();
    });
  }
});
