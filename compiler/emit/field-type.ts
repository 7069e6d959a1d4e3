// Output: the TypeScript type of a field: `string`, `"small" | "large"`, `Critique[]`, `Record<string, number>`.

import type { FieldModel, TypeRef } from "../model.js";
import type { EmitContext } from "./context.js";
import { EmitError, safeIdentifier } from "./emit-error.js";
import { enumValues } from "./enum-values.js";
import { literal } from "./escape.js";
import { importedTypeRef } from "./refs.js";

export function fieldType(ctx: EmitContext, field: FieldModel): string {
  const values = enumValues(field);
  if (values !== undefined) return values.length === 0 ? "never" : values.map(literal).join(" | ");
  return typeText(ctx, field.type);
}

export function typeText(ctx: EmitContext, type: TypeRef): string {
  switch (type.kind) {
    case "primitive":
      return type.name === "integer" ? "number" : type.name;
    case "named": {
      const named = ctx.types.get(type.name);
      if (!named) throw new EmitError(`type ${JSON.stringify(type.name)} is not declared`, "unknown-type", type.span);
      if (named.import !== undefined) return importedTypeRef(ctx, { ...named, import: named.import });
      return safeIdentifier(type.name, "type", type.span);
    }
    case "array": {
      const element = typeText(ctx, type.element);
      return `${element.includes(" ") ? `(${element})` : element}[]`;
    }
    case "map":
      return `Record<string, ${typeText(ctx, type.value)}>`;
  }
}

