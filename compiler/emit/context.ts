// The context every emitter receives: the model, the frozen options, the import table and the names
// derived from the workflow. Emitters are functions of (context, writer, model node) that write their
// construct; besides the writer, the only state they touch is the import table (which records what
// the written code uses) and a memo of step signatures.

import { workflowNames, type WorkflowNames } from "../generated-names.js";
import type { EventModel, ResourceModel, SpecModel, StepModel, TypeModel } from "../model.js";
import { safeIdentifier } from "./emit-error.js";
import { Imports } from "./imports.js";
import type { StepSignature } from "./step-signature.js";
import { orderTypes } from "./type-order.js";

export interface EmitOptions {
  /** The spec's path as given (for the header and to resolve resource modules); may be absent. */
  readonly specPath?: string;
  /** Where the output goes, for rewriting relative imports. */
  readonly outPath: string;
  /** The module generated code imports the runtime from. */
  readonly runtimeImport: string;
}

/** Module-level names derived from the workflow name (`JokeFlow` → `JokeFlowBase`, ...). */
export interface EmitContext {
  readonly model: SpecModel;
  readonly options: EmitOptions;
  readonly imports: Imports;
  readonly names: WorkflowNames;
  readonly events: ReadonlyMap<string, EventModel>;
  readonly types: ReadonlyMap<string, TypeModel>;
  readonly resources: ReadonlyMap<string, ResourceModel>;
  /** Named types in declaration order (dependencies first). */
  readonly orderedTypes: readonly TypeModel[];
  /** Types on a reference cycle → their cycle's id: references inside a cycle go through `z.lazy`. */
  readonly cycleOf: ReadonlyMap<string, number>;
  /** Memo of each step's signature types, filled as they are first needed. */
  readonly signatures: Map<StepModel, StepSignature>;
  /** Imported types the written code uses, by name (filled as they are written; see refs.ts). */
  readonly importedTypes: Map<string, TypeModel>;
}

export function createContext(model: SpecModel, options: EmitOptions): EmitContext {
  const { ordered, cycleOf } = orderTypes(model.types);
  return {
    model,
    options: Object.freeze({ ...options }),
    imports: new Imports(),
    names: workflowNames(safeIdentifier(model.workflow, "workflow name", model.workflowSpan)),
    events: new Map(model.events.map((event) => [event.name, event])),
    types: new Map(model.types.map((type) => [type.name, type])),
    resources: new Map(model.resources.map((resource) => [resource.name, resource])),
    orderedTypes: ordered,
    cycleOf,
    signatures: new Map(),
    importedTypes: new Map(),
  };
}

/** The runtime's export `name`, recorded as used. */
export function runtime(ctx: EmitContext, name: string, typeOnly = false): string {
  return ctx.imports.use(ctx.options.runtimeImport, name, typeOnly);
}

/** zod's `z`, recorded as used. It comes from the runtime, which re-exports it, so an app depends on
 * flowspec alone (with pnpm's strict layout, a bare `zod` import fails unless the app lists zod). */
export function zod(ctx: EmitContext): string {
  return runtime(ctx, "z");
}
