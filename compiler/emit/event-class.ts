// Output: export class JokeWritten extends Event { static override readonly typeName = "JokeWritten"; ...
//         readonly joke: string; constructor(data: { joke: string }) { super(); this.joke = data.joke; } }

import type { EventModel, FieldModel } from "../model.js";
import { runtime, type EmitContext } from "./context.js";
import { safeIdentifier } from "./emit-error.js";
import { enumValues } from "./enum-values.js";
import { propertyAccess, stringLiteral } from "./escape.js";
import { defaultLiteral } from "./field-schema.js";
import { inputMembers, isOptionalInput, writeFieldMembers, writeObjectSchema } from "./fields.js";
import { writeDoc, writeObjectType, type SourceWriter } from "./writer.js";

export function writeEventClass(ctx: EmitContext, w: SourceWriter, event: EventModel): void {
  const name = safeIdentifier(event.name, "event", event.span);
  writeDoc(w, event.description);
  w.write(`export class ${name} extends ${runtime(ctx, "Event")}`).block(() => {
    w.writeLine(`static override readonly typeName = ${stringLiteral(event.name)};`);
    w.writeLine(`static override readonly kind = ${stringLiteral(event.kind)};`);
    w.write("static override readonly schema = ");
    writeObjectSchema(ctx, w, event.fields);
    w.write(";").newLine();
    w.writeLine("// Nominal brand: another event with the same fields is not assignable to this one.");
    w.writeLine(`declare private readonly __brand: ${stringLiteral(event.name)};`);
    if (event.fields.length === 0) return;
    writeFieldMembers(ctx, w, event.fields);
    w.blankLine();
    writeConstructor(ctx, w, event.fields);
  });
}

/** `constructor(data: { ... } = {}) { super(); this.x = data.x; ... }`; the `= {}` only when every
 * field may be left out. */
function writeConstructor(ctx: EmitContext, w: SourceWriter, fields: readonly FieldModel[]): void {
  const allOptional = fields.every(isOptionalInput);
  writeObjectType(w, "constructor(data: ", inputMembers(ctx, fields), `${allOptional ? " = {}" : ""}) {`);
  w.indent(() => {
    w.writeLine("super();");
    for (const field of fields) w.writeLine(`${propertyAccess("this", field.name)} = ${initializer(field)};`);
  });
  w.writeLine("}");
}

/** `data.x`, or `data.x ?? <default>`; `data.x !== undefined ? data.x : <default>` when null is a valid
 * value (so an explicit null is kept, as zod's `.default()` keeps it). */
function initializer(field: FieldModel): string {
  const value = propertyAccess("data", field.name);
  if (!field.hasDefault) return value;
  const fallback = defaultLiteral(field);
  return acceptsNull(field) ? `${value} !== undefined ? ${value} : ${fallback}` : `${value} ?? ${fallback}`;
}

function acceptsNull(field: FieldModel): boolean {
  const values = enumValues(field);
  if (values !== undefined) return values.includes(null);
  return field.type.kind === "primitive" && field.type.name === "unknown";
}
