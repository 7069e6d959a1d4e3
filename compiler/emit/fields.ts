// Output: the members of an object type or a `z.object` shape, one field per line:
//   readonly score?: number;        (in an interface or class)
//   score: z.number().optional(),   (in a z.object shape)

import type { FieldModel } from "../model.js";
import { OBJECT_MEMBERS } from "../reserved.js";
import { zod, type EmitContext } from "./context.js";
import { EmitError } from "./emit-error.js";
import { propertyName } from "./escape.js";
import { fieldSchema } from "./field-schema.js";
import { fieldType } from "./field-type.js";
import { writeDoc, type SourceWriter } from "./writer.js";

/** Optional in the parsed value: `?` and no default. A field with a default is always present. */
export function isOptional(field: FieldModel): boolean {
  return field.optional && !field.hasDefault;
}

/** Optional when constructing: `?` or a default. */
export function isOptionalInput(field: FieldModel): boolean {
  return field.optional || field.hasDefault;
}

/** The field's name as a property name, after making sure it can be one (the checks report these first). */
export function fieldName(field: FieldModel): string {
  if (OBJECT_MEMBERS.has(field.name)) {
    const message = `field ${JSON.stringify(field.name)} is named like a member every object inherits (Object.prototype.${field.name})`;
    throw new EmitError(message, "invalid-identifier", field.span);
  }
  return propertyName(field.name);
}

/** `readonly name?: Type;` lines, each with the field's description as JSDoc. */
export function writeFieldMembers(ctx: EmitContext, w: SourceWriter, fields: readonly FieldModel[]): void {
  for (const field of fields) {
    writeDoc(w, field.description);
    w.writeLine(`readonly ${fieldName(field)}${isOptional(field) ? "?" : ""}: ${fieldType(ctx, field)};`);
  }
}

/** `z.object({ ... })`, one field per line; `z.object({})` without fields. Writes the expression only,
 * so the caller can end the statement. */
export function writeObjectSchema(ctx: EmitContext, w: SourceWriter, fields: readonly FieldModel[], owner?: string): void {
  const z = zod(ctx);
  if (fields.length === 0) {
    w.write(`${z}.object({})`);
    return;
  }
  w.write(`${z}.object({`).newLine();
  w.indent(() => {
    for (const field of fields) w.writeLine(`${fieldName(field)}: ${fieldSchema(ctx, field, owner)},`);
  });
  w.write("})");
}

/** The members of what a constructor takes (`topic: string`, `count?: number`): fields with a default
 * or `?` may be left out. */
export function inputMembers(ctx: EmitContext, fields: readonly FieldModel[]): string[] {
  return fields.map((field) => `${fieldName(field)}${isOptionalInput(field) ? "?" : ""}: ${fieldType(ctx, field)}`);
}
