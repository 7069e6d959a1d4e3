// Does a value from the spec (a `default`, an `enum` entry) satisfy a field's type and constraints?
// Mirrors what the generated zod schema accepts, so a default the compiler lets through never fails
// at run time: integers are safe integers, numbers are finite, `null` fits only `unknown`, and named
// object types take no keys they do not declare.

import type { Constraints, FieldModel, TypeModel, TypeRef } from "../model.js";
import { formatType } from "../type-grammar.js";
import { describeValue, quote } from "../text.js";
import type { PatternMatch } from "./safe-regex.js";

/** Values nested deeper than this are not checked further (no real default comes close). */
const MAX_VALUE_DEPTH = 64;

export interface ValueScope {
  types: ReadonlyMap<string, TypeModel>;
  /** One per analysis (`patternMatcher()`), so a slow pattern costs its time limit once. */
  matchPattern: (pattern: string, text: string) => PatternMatch;
}

/** The part of a field a value is checked against. */
export type FieldShape = Pick<FieldModel, "type" | "optional" | "constraints" | "hasDefault">;

/**
 * The first reason `value` does not fit `field`, or undefined when it fits. `where` locates the
 * value inside the default (`critique.score`), empty at the top.
 *
 * @example
 * fieldValueProblem(11, { type: integer, optional: false, hasDefault: false, constraints: { maximum: 10 } }, scope);
 * // "must be at most 10, not 11"
 */
export function fieldValueProblem(value: unknown, field: FieldShape, scope: ValueScope, where = "", depth = 0): string | undefined {
  if (value === undefined) return field.optional || field.hasDefault ? undefined : `${subject(where)}is missing`;
  return typeProblem(value, field.type, scope, where, depth) ?? constraintProblem(value, field.constraints, scope, where);
}

function typeProblem(value: unknown, type: TypeRef, scope: ValueScope, where: string, depth: number): string | undefined {
  if (depth > MAX_VALUE_DEPTH) return undefined;
  const wrong = () => `${subject(where)}must be ${article(type)}, not ${describeValue(value)}`;
  switch (type.kind) {
    case "primitive":
      if (fitsPrimitive(value, type.name)) return undefined;
      // YAML's `.inf`, `-.inf`, `.nan`, and numbers too large for a double (`1e400`, read as infinity).
      if (typeof value === "number" && !Number.isFinite(value) && (type.name === "number" || type.name === "integer")) {
        return `${subject(where)}must be a finite ${type.name === "integer" ? "integer" : "number"}, not ${describeValue(value)}`;
      }
      return wrong();
    case "array":
      if (!Array.isArray(value)) return wrong();
      for (let i = 0; i < value.length; i++) {
        const problem = typeProblem(value[i], type.element, scope, `${where}[${i}]`, depth + 1);
        if (problem) return problem;
      }
      return undefined;
    case "map":
      if (!isPlainObject(value)) return wrong();
      for (const [key, item] of Object.entries(value)) {
        const problem = typeProblem(item, type.value, scope, join(where, key), depth + 1);
        if (problem) return problem;
      }
      return undefined;
    case "named":
      return namedProblem(value, type.name, scope, where, depth, wrong);
  }
}

function namedProblem(value: unknown, name: string, scope: ValueScope, where: string, depth: number, wrong: () => string): string | undefined {
  const declared = scope.types.get(name);
  if (!declared) return undefined; // unknown-type is reported on its own
  // An imported type's schema lives in its module, which the compiler does not run: TypeScript checks
  // the default in the generated module, and zod checks values at run time.
  if (declared.import !== undefined) return undefined;
  if (!isPlainObject(value)) return wrong();
  const fieldNames = new Set(declared.fields.map((field) => field.name));
  const extra = Object.keys(value).find((key) => !fieldNames.has(key));
  if (extra !== undefined) return `${subject(where)}has ${quote(extra)}, which type ${quote(name)} does not declare`;
  for (const field of declared.fields) {
    const item = Object.hasOwn(value, field.name) ? value[field.name] : undefined;
    const problem = fieldValueProblem(item, field, scope, join(where, field.name), depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function constraintProblem(value: unknown, constraints: Constraints, scope: ValueScope, where: string): string | undefined {
  const at = subject(where);
  if (constraints.enum && !constraints.enum.some((allowed) => allowed === value)) {
    return `${at}must be one of ${constraints.enum.map(describeValue).join(", ")}, not ${describeValue(value)}`;
  }
  if (typeof value === "number") {
    if (constraints.minimum !== undefined && value < constraints.minimum) return `${at}must be at least ${constraints.minimum}, not ${value}`;
    if (constraints.maximum !== undefined && value > constraints.maximum) return `${at}must be at most ${constraints.maximum}, not ${value}`;
  }
  if (typeof value === "string" || Array.isArray(value)) {
    const unit = typeof value === "string" ? "characters" : "items";
    if (constraints.minLength !== undefined && value.length < constraints.minLength) return `${at}must have at least ${constraints.minLength} ${unit}, not ${value.length}`;
    if (constraints.maxLength !== undefined && value.length > constraints.maxLength) return `${at}must have at most ${constraints.maxLength} ${unit}, not ${value.length}`;
  }
  if (typeof value === "string" && constraints.pattern !== undefined) {
    // "skipped" is no verdict: an invalid pattern is a schema error, a slow one was reported at its
    // first timeout, or this analysis has spent its matching budget.
    const matched = scope.matchPattern(constraints.pattern, value);
    const pattern = describeValue(constraints.pattern);
    if (matched === "timeout") return `${at}could not be matched against pattern ${pattern} in time: the pattern is too slow to check (possible catastrophic backtracking), so no later value is matched against it`;
    if (matched === false) return `${at}must match pattern ${pattern}, not ${describeValue(value)}`;
  }
  return undefined;
}

function fitsPrimitive(value: unknown, name: string): boolean {
  switch (name) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isSafeInteger(value);
    case "boolean":
      return typeof value === "boolean";
    default:
      return true; // unknown
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `a string`, `an integer`, `a Critique`, `a string[]`. */
function article(type: TypeRef): string {
  const text = formatType(type);
  const noun = type.kind === "named" ? `${text} object` : text;
  return `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun}`;
}

function subject(where: string): string {
  return where === "" ? "" : `${quote(where)} `;
}

function join(where: string, key: string): string {
  return where === "" ? key : `${where}.${key}`;
}
