// Output: export interface JokeFlowState { readonly attempts: number; }
//         export const JokeFlowStateSchema = z.object({ attempts: z.number().int().default(0) });

import type { EmitContext } from "./context.js";
import { writeFieldMembers, writeObjectSchema } from "./fields.js";
import { writeDoc, type SourceWriter } from "./writer.js";

/** Only for a spec with `state:`; the others use `Record<string, never>` as their state type. */
export function writeState(ctx: EmitContext, w: SourceWriter): void {
  const { state, stateSchema } = ctx.names;
  writeDoc(w, { notes: [`The typed state of ${ctx.names.workflow}: what \`ctx.store.getState()\` returns and \`ctx.store.editState()\` edits.`] });
  w.write(`export interface ${state}`).block(() => writeFieldMembers(ctx, w, ctx.model.state));
  w.blankLine();
  writeDoc(w, { notes: [`The zod schema of {@link ${state}}, with its defaults: a new run's state is \`${stateSchema}.parse({})\`.`] });
  w.write(`export const ${stateSchema} = `);
  writeObjectSchema(ctx, w, ctx.model.state);
  w.write(";").newLine();
}

/** The state type steps see. */
export function stateType(ctx: EmitContext): string {
  return ctx.model.state.length > 0 ? ctx.names.state : "Record<string, never>";
}
