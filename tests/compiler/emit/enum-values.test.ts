// enumValues: the literals an `enum` allows. Its dedupe must be linear: 80,000 values took 139 s when
// each value was compared with every value kept before it. The work is counted, never timed.

import { afterEach, describe, expect, test, vi } from "vitest";
import { compile } from "../../../compiler/compile.js";
import { enumValues } from "../../../compiler/emit/enum-values.js";
import type { FieldModel, Primitive } from "../../../compiler/model.js";

const at = { line: 1, column: 1 };
const field = (name: Primitive, values: FieldModel["constraints"]["enum"]): FieldModel => ({
  name: "size",
  type: { kind: "primitive", name },
  optional: false,
  hasDefault: false,
  constraints: { enum: values },
  span: at,
  typeSpan: at,
});

afterEach(() => vi.restoreAllMocks());

describe("enumValues", () => {
  test("keeps spec order and drops repeats and values of another type", () => {
    expect(enumValues(field("string", ["b", "a", "b", 1, "a", null]))).toEqual(["b", "a"]);
    expect(enumValues(field("unknown", [1, "1", 1, null, null, true]))).toEqual([1, "1", null, true]);
  });

  test("integers are safe integers, as zod's .int() and the checks require", () => {
    expect(enumValues(field("integer", [1, 1.5, 2 ** 53, -(2 ** 53), 3]))).toEqual([1, 3]);
  });

  test("no pairwise comparisons: the comparison count does not grow with the square of the values", () => {
    const is = vi.spyOn(Object, "is");
    const some = vi.spyOn(Array.prototype, "some");
    const values = Array.from({ length: 2_000 }, (_, i) => `v${i}`);
    expect(enumValues(field("string", values))).toHaveLength(2_000);
    // The quadratic version called Array.prototype.some once per value, and Object.is ~2,000,000 times.
    expect(is.mock.calls.length + some.mock.calls.length).toBeLessThanOrEqual(values.length);
  });

  test("an 80,000-value enum compiles (one pass per value)", () => {
    const values = Array.from({ length: 80_000 }, (_, i) => `v${i % 40_000}`);
    const source = `flowspec: 1\nworkflow: Big\nevents:\n  Go: { kind: start, fields: { size: { type: string, enum: [${values.join(", ")}] } } }\nsteps:\n  s: { accepts: Go, emits: StopEvent }\n`;
    const { diagnostics, files } = compile(source, { path: "big.yaml" });
    expect(diagnostics).toEqual([]);
    expect(files[0]!.contents).toContain('"v39999"');
  });
});
