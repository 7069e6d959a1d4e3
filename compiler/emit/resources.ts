// Output: export interface JokeFlowResources { llm: Llm; }

import type { EmitContext } from "./context.js";
import { propertyName } from "./escape.js";
import { resourceType } from "./refs.js";
import { writeDoc, type SourceWriter } from "./writer.js";

/** Only for a spec with `resources:`. */
export function writeResources(ctx: EmitContext, w: SourceWriter): void {
  const { resources, workflow } = ctx.names;
  writeDoc(w, {
    notes: [`The resources of ${workflow}, by name. Each is made by its factory from the spec unless the workflow's \`resources\` option supplies it.`],
  });
  w.write(`export interface ${resources}`).block(() => {
    for (const resource of ctx.model.resources) {
      writeDoc(w, resource.description);
      w.writeLine(`${propertyName(resource.name)}: ${resourceType(ctx, resource)};`);
    }
  });
}

/** The resources type the workflow class is parameterized with. */
export function resourcesType(ctx: EmitContext): string {
  return ctx.model.resources.length > 0 ? ctx.names.resources : "Record<string, never>";
}
