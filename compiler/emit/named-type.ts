// Output: export interface Critique { readonly score: number; }
//         export const CritiqueSchema = z.object({ score: z.number().int() });

import type { TypeModel } from "../model.js";
import { zod, type EmitContext } from "./context.js";
import { safeIdentifier } from "./emit-error.js";
import { writeFieldMembers, writeObjectSchema } from "./fields.js";
import { writeDoc, type SourceWriter } from "./writer.js";

export function writeNamedType(ctx: EmitContext, w: SourceWriter, type: TypeModel): void {
  const name = safeIdentifier(type.name, "type", type.span);
  writeDoc(w, type.description);
  if (type.fields.length === 0) {
    w.writeLine(`export interface ${name} {}`);
  } else {
    w.write(`export interface ${name}`).block(() => writeFieldMembers(ctx, w, type.fields));
  }
  w.blankLine();
  writeDoc(w, { notes: [`The zod schema of {@link ${name}}.`] });
  // On a reference cycle TypeScript cannot infer the const's type from its own initializer.
  const annotation = ctx.cycleOf.has(type.name) ? `: ${zod(ctx)}.ZodType<${name}>` : "";
  w.write(`export const ${name}Schema${annotation} = `);
  writeObjectSchema(ctx, w, type.fields, type.name);
  w.write(";").newLine();
}
