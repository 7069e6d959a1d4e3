// Output: the values an `enum` constraint allows, e.g. ["small", "large"]. A field with an enum is that
// set of literals: the checks (`invalid-default`) have made sure every value also satisfies the field's
// type and its other constraints, so those need no runtime check of their own. Values of the wrong
// type are left out here too, so a model that skipped the checks still gets a sound TypeScript type.

import type { FieldModel } from "../model.js";

export type EnumValue = string | number | boolean | null;

/**
 * The enum's values of the field's type, in spec order, without repeats; undefined without an enum.
 * Linear in the number of values: one Set lookup per value (an enum of 80,000 values is one pass).
 *
 * @example enumValues(field) // ["small", "large"] for `enum: [small, large, small]`
 */
export function enumValues(field: FieldModel): EnumValue[] | undefined {
  const values = field.constraints.enum;
  if (values === undefined) return undefined;
  const accepted: EnumValue[] = [];
  // A Set compares by SameValueZero: 0 and -0 are one entry, and they are one literal in the output too.
  const seen = new Set<EnumValue>();
  for (const value of values) {
    if (!ofFieldType(field, value) || seen.has(value)) continue;
    seen.add(value);
    accepted.push(value);
  }
  return accepted;
}

function ofFieldType(field: FieldModel, value: EnumValue): boolean {
  const { type } = field;
  if (type.kind !== "primitive") return false;
  switch (type.name) {
    case "unknown":
      return true;
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      // What zod 4's `.int()` accepts, and what the checks require (value-check.ts).
      return Number.isSafeInteger(value);
  }
}
