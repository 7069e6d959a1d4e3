// Output: the values an `enum` constraint allows, e.g. ["small", "large"]. A field with an enum is that
// set of literals: the checks (`invalid-default`) have made sure every value also satisfies the field's
// type and its other constraints, so those need no runtime check of their own. Values of the wrong
// type are left out here too, so a model that skipped the checks still gets a sound TypeScript type.

import type { FieldModel } from "../model.js";

export type EnumValue = string | number | boolean | null;

/** The enum's values of the field's type, in spec order, without repeats; undefined without an enum. */
export function enumValues(field: FieldModel): EnumValue[] | undefined {
  const values = field.constraints.enum;
  if (values === undefined) return undefined;
  const accepted: EnumValue[] = [];
  for (const value of values) {
    if (ofFieldType(field, value) && !accepted.some((seen) => Object.is(seen, value))) accepted.push(value);
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
      return typeof value === "number" && Number.isInteger(value);
  }
}
