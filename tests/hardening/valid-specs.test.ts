// Property: every randomly generated VALID spec (support/spec-gen.ts builds them valid by construction)
// analyzes with no diagnostic at all, compiles to one module, deterministically, whose text parses as
// TypeScript, and whose model carries every default exactly as the YAML wrote it.
// (emitted-code.test.ts type-checks and runs a sample of them.)

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { runs, SEED, timeout } from "./support/fuzz-config.js";
import { analyze } from "../../compiler/analyze.js";
import { compile } from "../../compiler/compile.js";
import type { FieldModel, SpecModel } from "../../compiler/model.js";
import { validSpec, type GeneratedSpec } from "./support/spec-gen.js";
import { syntaxErrors } from "./support/typescript.js";
import { sameValue } from "./support/values.js";

const VALID_RUNS = runs(100);

describe("random valid specs", () => {
  test(`${VALID_RUNS} generated specs analyze clean and compile`, { timeout: timeout(60_000) }, () => {
    fc.assert(
      fc.property(validSpec(), (spec) => {
        const { model, diagnostics } = analyze(spec.yaml, { path: "specs/generated.yaml" });
        expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`)).toEqual([]);
        expect(model).toBeDefined();
        expectDefaultsKept(model!, spec);

        const first = compile(spec.yaml, { path: "specs/generated.yaml", outPath: "generated/generated.ts" });
        expect(first.diagnostics).toEqual([]);
        expect(first.files).toHaveLength(1);
        const second = compile(spec.yaml, { path: "specs/generated.yaml", outPath: "generated/generated.ts" });
        expect(second.files[0]!.contents).toBe(first.files[0]!.contents);
        expect(syntaxErrors(first.files[0]!.contents)).toEqual([]);
      }),
      { seed: SEED, numRuns: VALID_RUNS, endOnFailure: true },
    );
  });
});

/** The model's defaults are the document's, value for value (-0, lone surrogates, `__proto__` keys...). */
function expectDefaultsKept(model: SpecModel, spec: GeneratedSpec): void {
  const doc = spec.doc as { state?: Record<string, unknown>; events?: Record<string, { fields?: Record<string, unknown> }>; types?: Record<string, { fields: Record<string, unknown> }> };
  const check = (fields: readonly FieldModel[], written: Record<string, unknown> | undefined) => {
    for (const field of fields) {
      const raw = written?.[field.name];
      const hasDefault = typeof raw === "object" && raw !== null && "default" in raw;
      expect(field.hasDefault, `field ${field.name}`).toBe(hasDefault);
      if (hasDefault) expect(sameValue(field.default, (raw as { default: unknown }).default), `default of ${field.name}`).toBe(true);
    }
  };
  check(model.state, doc.state);
  for (const event of model.events) if (!event.builtin) check(event.fields, doc.events?.[event.name]?.fields);
  for (const type of model.types) check(type.fields, doc.types?.[type.name]?.fields);
}
