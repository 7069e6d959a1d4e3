// Field constraints and defaults: `invalid-default` (a default or an enum value that breaks the
// field's type or constraints), `state-field-needs-default`, and `schema` for constraints that cannot
// work (a pattern that is no regular expression, `minLength` on a number, minimum above maximum).

import { diagnostic, type Diagnostic, type Span } from "../diagnostics.js";
import type { Constraints, FieldModel, SpecModel, TypeRef } from "../model.js";
import { formatType } from "../type-grammar.js";
import { describeValue, quote } from "../text.js";
import { compilePattern, patternMatcher } from "./safe-regex.js";
import { fieldValueProblem, type ValueScope } from "./value-check.js";

type ConstraintKey = keyof Constraints;

/** The field types each constraint applies to (checked on the field's own type, not its elements). */
const APPLIES_TO: Record<ConstraintKey, { test: (type: TypeRef) => boolean; label: string }> = {
  enum: { test: (type) => type.kind === "primitive", label: "string, number, integer, boolean and unknown fields" },
  minimum: { test: (type) => isPrimitive(type, "number", "integer"), label: "number and integer fields" },
  maximum: { test: (type) => isPrimitive(type, "number", "integer"), label: "number and integer fields" },
  minLength: { test: (type) => isPrimitive(type, "string") || type.kind === "array", label: "string and array fields" },
  maxLength: { test: (type) => isPrimitive(type, "string") || type.kind === "array", label: "string and array fields" },
  pattern: { test: (type) => isPrimitive(type, "string"), label: "string fields" },
};

export function checkFieldValues(model: SpecModel, file?: string): Diagnostic[] {
  const scope: ValueScope = { types: new Map(model.types.map((type) => [type.name, type])), matchPattern: patternMatcher() };
  const diagnostics: Diagnostic[] = [];
  const checkFields = (fields: readonly FieldModel[], owner: string) => {
    for (const field of fields) diagnostics.push(...checkField(field, `field ${quote(field.name)} of ${owner}`, scope, file));
  };
  for (const type of model.types) checkFields(type.fields, `type ${quote(type.name)}`);
  checkFields(model.state, "state");
  for (const event of model.events) if (!event.builtin) checkFields(event.fields, `event ${quote(event.name)}`);

  for (const field of model.state) {
    if (field.optional || field.hasDefault) continue;
    const message = `state field ${quote(field.name)} needs a default (or a '?' to make it optional): a run starts with it set`;
    diagnostics.push(diagnostic("state-field-needs-default", message, field.span, file));
  }
  return diagnostics;
}

function checkField(field: FieldModel, subject: string, scope: ValueScope, file?: string): Diagnostic[] {
  const constraintErrors = constraintSchemaErrors(field, subject, file);
  // A default cannot be judged against constraints that are themselves broken.
  if (constraintErrors.length > 0) return constraintErrors;

  const diagnostics: Diagnostic[] = [];
  const { enum: allowed, ...others } = field.constraints;
  (allowed ?? []).forEach((value, index) => {
    const problem = fieldValueProblem(value, { ...field, constraints: others }, scope);
    if (!problem) return;
    const span = field.constraintSpans?.enum?.[index] ?? field.span;
    diagnostics.push(diagnostic("invalid-default", `enum value ${describeValue(value)} of ${subject} ${problem}`, span, file));
  });
  if (field.hasDefault) {
    const problem = fieldValueProblem(field.default, field, scope);
    if (problem) diagnostics.push(diagnostic("invalid-default", `default of ${subject} ${problem}`, field.defaultSpan ?? field.span, file));
  }
  return diagnostics;
}

function constraintSchemaErrors(field: FieldModel, subject: string, file?: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const spanOf = (key: ConstraintKey): Span => {
    const span = field.constraintSpans?.[key];
    return (Array.isArray(span) ? span[0] : span) ?? field.span;
  };
  const report = (key: ConstraintKey, message: string) => diagnostics.push(diagnostic("schema", message, spanOf(key), file));
  const { constraints } = field;

  for (const key of Object.keys(APPLIES_TO) as ConstraintKey[]) {
    if (constraints[key] === undefined || APPLIES_TO[key].test(field.type)) continue;
    report(key, `'${key}' of ${subject} applies to ${APPLIES_TO[key].label}, not to '${formatType(field.type)}'`);
  }
  if (constraints.minimum !== undefined && constraints.maximum !== undefined && constraints.minimum > constraints.maximum) {
    report("maximum", `${subject} has maximum ${constraints.maximum} below its minimum ${constraints.minimum}`);
  }
  if (constraints.minLength !== undefined && constraints.maxLength !== undefined && constraints.minLength > constraints.maxLength) {
    report("maxLength", `${subject} has maxLength ${constraints.maxLength} below its minLength ${constraints.minLength}`);
  }
  if (constraints.pattern !== undefined) {
    const compiled = compilePattern(constraints.pattern);
    if (!compiled.ok) report("pattern", `pattern of ${subject} is not a valid regular expression: ${compiled.message}`);
  }
  return diagnostics;
}

function isPrimitive(type: TypeRef, ...names: string[]): boolean {
  return type.kind === "primitive" && names.includes(type.name);
}
