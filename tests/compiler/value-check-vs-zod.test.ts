// The checks judge a default or an enum value with value-check.ts; at run time the emitter's zod
// schema judges it. The two must agree, or a default the compiler accepts fails at run time (or one
// zod accepts is refused). Each case builds the field's schema with the emitter's own code
// (emit/field-schema.ts), evaluates it with zod, and compares verdicts.

import { describe, expect, test } from "vitest";
import { z } from "zod";
import { analyze } from "../../compiler/analyze.js";
import { patternMatcher } from "../../compiler/checks/safe-regex.js";
import { fieldValueProblem } from "../../compiler/checks/value-check.js";
import { createContext } from "../../compiler/emit/context.js";
import { fieldSchema } from "../../compiler/emit/field-schema.js";
import type { Constraints, FieldModel, TypeRef } from "../../compiler/model.js";

const { model } = analyze("flowspec: 1\nworkflow: Tie\nsteps:\n  s: { accepts: StartEvent, emits: StopEvent }\n", { path: "tie.yaml" });
const at = { line: 1, column: 1 };
const prim = (name: "string" | "number" | "integer" | "boolean" | "unknown"): TypeRef => ({ kind: "primitive", name });

const FIELDS: { label: string; type: TypeRef; constraints?: Constraints }[] = [
  { label: "integer", type: prim("integer") },
  { label: "number", type: prim("number") },
  { label: "string", type: prim("string") },
  { label: "boolean", type: prim("boolean") },
  { label: "unknown", type: prim("unknown") },
  { label: "integer 0..10", type: prim("integer"), constraints: { minimum: 0, maximum: 10 } },
  { label: "number >= -1.5", type: prim("number"), constraints: { minimum: -1.5 } },
  { label: "string 2..3 [a-z]", type: prim("string"), constraints: { minLength: 2, maxLength: 3, pattern: "^[a-z]+$" } },
  { label: "integer[] <= 2 items", type: { kind: "array", element: prim("integer") }, constraints: { maxLength: 2 } },
  { label: "map<number>", type: { kind: "map", value: prim("number") } },
  { label: "integer enum", type: prim("integer"), constraints: { enum: [1, 2, 2 ** 53] } },
];

const VALUES: unknown[] = [
  0, -0, 1, 7, 11, -2, 1.5, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e308, Infinity, -Infinity, NaN,
  "", "a", "ab", "abc", "abcd", "AB", true, false, null, [], [1, 2], [1, 2, 3], [1.5], { a: 1 }, { a: "x" }, { a: Infinity },
];

describe("value-check agrees with the emitted zod schemas", () => {
  const ctx = createContext(model!, { outPath: "tie.ts", runtimeImport: "flowspec/runtime" });
  const scope = { types: new Map(), matchPattern: patternMatcher() };
  for (const { label, type, constraints } of FIELDS) {
    test(label, () => {
      const field: FieldModel = { name: "f", type, optional: false, hasDefault: false, constraints: constraints ?? {}, span: at, typeSpan: at };
      const text = fieldSchema(ctx, field);
      const schema = new Function("z", `return ${text};`)(z) as z.ZodType;
      const disagreements = VALUES.filter((value) => schema.safeParse(value).success !== (fieldValueProblem(value, field, scope) === undefined));
      expect(disagreements, text).toEqual([]);
    });
  }
});
