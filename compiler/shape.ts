// The shape of a spec version (runtime/shape.ts) from its model: what the emitter writes into the
// generated definition (`fields`), what `flowspec diff` compares, and what `flowspec runs check`
// checks journaled runs against. Built with the runtime's own `composeShape`, so the shape a spec
// gives here is the shape its generated code journals.

import { posix } from "node:path";
import { isRelativeSpecifier } from "./emit/module-path.js";
import type { FieldModel, SpecModel, TypeImport, TypeRef } from "./model.js";
import { normalizeSlashes } from "./paths.js";
import { composeShape, type FieldShape, type FieldShapes, type WorkflowShape } from "../runtime/shape.js";

/** Imported types by the name fields use. */
type Imports = ReadonlyMap<string, TypeImport>;

/**
 * A field as a run's data depends on it. Its type is the spec's type text, except that an imported
 * type is written as where it comes from, `import:./support/schemas.js#ToolCall` (so `ToolCall[]?`
 * is `import:./support/schemas.js#ToolCall[]`): what the data depends on is the module's schema, not
 * the name the spec gives it, and a field whose import changed is retyped.
 */
export function fieldShape(field: FieldModel, imports: Imports = new Map()): FieldShape {
  const constraints = Object.fromEntries(Object.entries(field.constraints).filter(([, value]) => value !== undefined));
  return {
    name: field.name,
    type: shapeTypeText(field.type, imports),
    ...(field.optional ? { optional: true as const } : {}),
    ...(field.hasDefault ? { default: field.default ?? null } : {}),
    ...(Object.keys(constraints).length > 0 ? { constraints } : {}),
  };
}

/** `map<Critique[]>`; an imported type as `import:<module>#<exported name>`. */
export function shapeTypeText(type: TypeRef, imports: Imports = new Map()): string {
  switch (type.kind) {
    case "primitive":
      return type.name;
    case "named": {
      const imported = imports.get(type.name);
      return imported === undefined ? type.name : `import:${canonicalModule(imported.module)}#${imported.name}`;
    }
    case "array":
      return `${shapeTypeText(type.element, imports)}[]`;
    case "map":
      return `map<${shapeTypeText(type.value, imports)}>`;
  }
}

/** One text per module however the spec spells it: `./a/../schemas.ts` and `./schemas` are `./schemas.js`. */
function canonicalModule(module: string): string {
  if (!isRelativeSpecifier(module)) return module;
  const normalized = posix.normalize(normalizeSlashes(module));
  const path = normalized.startsWith("../") || normalized === ".." ? normalized : `./${normalized}`;
  const extension = posix.extname(path);
  const swapped: Record<string, string> = { ".ts": ".js", ".tsx": ".js", ".mts": ".mjs", ".cts": ".cjs" };
  if (swapped[extension] !== undefined && !path.endsWith(".d.ts")) return path.slice(0, -extension.length) + swapped[extension];
  return extension === "" ? `${path}.js` : path;
}

/** The field shapes the generated definition carries (`WorkflowDefinition.fields`). Imported types
 * have no fields of their own here: the fields that use them name their module. */
export function fieldShapesOf(model: SpecModel): FieldShapes {
  const imports: Imports = new Map(model.types.flatMap((type) => (type.import === undefined ? [] : [[type.name, type.import] as const])));
  const shape = (field: FieldModel) => fieldShape(field, imports);
  return {
    events: Object.fromEntries(model.events.map((event) => [event.name, event.fields.map(shape)])),
    types: Object.fromEntries(model.types.filter((type) => type.import === undefined).map((type) => [type.name, type.fields.map(shape)])),
    state: model.state.map(shape),
  };
}

/** The spec's shape, as the runtime journals it for the generated workflow. */
export function shapeOfModel(model: SpecModel): WorkflowShape {
  return composeShape({
    steps: model.steps.map((step) => ({
      name: step.name,
      accepts: step.accepts.map((ref) => ref.name),
      emits: step.emits.map((ref) => ref.name),
      workers: step.workers,
      attempts: step.retry?.attempts ?? 1,
    })),
    events: model.events.map((event) => ({ name: event.name, kind: event.kind })),
    fields: fieldShapesOf(model),
  });
}
