// Output: the zod schema of a field: `z.number().int().min(0).max(10).default(0)`, `z.array(CritiqueSchema)`,
// `z.enum(["small", "large"])`, `z.string().regex(new RegExp("^[a-z]+$")).optional()`.

import type { FieldModel, TypeRef } from "../model.js";
import { zod, type EmitContext } from "./context.js";
import { EmitError, safeIdentifier } from "./emit-error.js";
import { enumValues, type EnumValue } from "./enum-values.js";
import { literal, stringLiteral } from "./escape.js";
import { importedSchemaRef } from "./refs.js";

/** The field's schema, with its constraints, optionality and default. `owner` is the named type the
 * field belongs to, if any: references back into its own cycle go through `z.lazy`. */
export function fieldSchema(ctx: EmitContext, field: FieldModel, owner?: string): string {
  let schema = valueSchema(ctx, field, owner);
  if (field.hasDefault) return `${schema}.default(${defaultLiteral(field)})`;
  if (field.optional) schema += ".optional()";
  return schema;
}

function valueSchema(ctx: EmitContext, field: FieldModel, owner: string | undefined): string {
  const z = zod(ctx);
  const values = enumValues(field);
  if (values !== undefined) return enumSchema(z, values);
  const { type, constraints } = field;
  let schema = typeSchema(ctx, type, owner);
  if (type.kind === "primitive" && (type.name === "number" || type.name === "integer")) {
    if (constraints.minimum !== undefined) schema += `.min(${literal(constraints.minimum)})`;
    if (constraints.maximum !== undefined) schema += `.max(${literal(constraints.maximum)})`;
  }
  if ((type.kind === "primitive" && type.name === "string") || type.kind === "array") {
    if (constraints.minLength !== undefined) schema += `.min(${literal(constraints.minLength)})`;
    if (constraints.maxLength !== undefined) schema += `.max(${literal(constraints.maxLength)})`;
  }
  if (type.kind === "primitive" && type.name === "string" && constraints.pattern !== undefined) {
    // A string literal, never a regex literal: nothing in the pattern can end it early.
    schema += `.regex(new RegExp(${stringLiteral(constraints.pattern)}))`;
  }
  return schema;
}

function enumSchema(z: string, values: EnumValue[]): string {
  if (values.length === 0) return `${z}.never()`;
  if (values.length === 1) return `${z}.literal(${literal(values[0])})`;
  const list = values.map(literal).join(", ");
  return values.every((value) => typeof value === "string") ? `${z}.enum([${list}])` : `${z}.literal([${list}])`;
}

/** The schema of a type without constraints (array elements, map values, named types). */
export function typeSchema(ctx: EmitContext, type: TypeRef, from?: string): string {
  const z = zod(ctx);
  switch (type.kind) {
    case "primitive":
      switch (type.name) {
        case "integer":
          return `${z}.number().int()`;
        case "unknown":
          return `${z}.unknown()`;
        default:
          return `${z}.${type.name}()`;
      }
    case "named": {
      const named = ctx.types.get(type.name);
      if (!named) throw new EmitError(`type ${JSON.stringify(type.name)} is not declared`, "unknown-type", type.span);
      // An imported type is never on a cycle: it refers to nothing here.
      if (named.import !== undefined) return importedSchemaRef(ctx, { ...named, import: named.import });
      const schema = `${safeIdentifier(type.name, "type", type.span)}Schema`;
      const cycle = ctx.cycleOf.get(type.name);
      return cycle !== undefined && from !== undefined && ctx.cycleOf.get(from) === cycle ? `${z}.lazy(() => ${schema})` : schema;
    }
    case "array":
      return `${z}.array(${typeSchema(ctx, type.element, from)})`;
    case "map":
      return `${z}.record(${z}.string(), ${typeSchema(ctx, type.value, from)})`;
  }
}

/** The field's default as an expression. */
export function defaultLiteral(field: FieldModel): string {
  try {
    return literal(field.default);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EmitError(`the default of field ${JSON.stringify(field.name)} cannot be written as code: ${reason}`, "invalid-default", field.defaultSpan ?? field.span);
  }
}
