// Output: the identifier for an event or a resource's type/factory, recording the import it needs:
// `JokeWritten` (declared here), `StopEvent` (from the runtime), `Llm` (from the resource's module).

import type { NameRef, ResourceModel, TypeModel } from "../model.js";
import { runtime, zod, type EmitContext } from "./context.js";
import type { SourceWriter } from "./writer.js";
import { EmitError, safeIdentifier } from "./emit-error.js";
import { importSpecifier } from "./module-path.js";

/** An event class by name; built-ins are imported from the runtime. */
export function eventRef(ctx: EmitContext, ref: NameRef | string, typeOnly = false): string {
  const { name, span } = typeof ref === "string" ? { name: ref, span: undefined } : ref;
  const event = ctx.events.get(name);
  if (!event) throw new EmitError(`event ${JSON.stringify(name)} is not declared`, "unknown-event", span);
  if (event.builtin) return runtime(ctx, safeIdentifier(name, "event", span), typeOnly);
  return safeIdentifier(name, "event", span);
}

/** A step's resource by reference. */
export function resourceOf(ctx: EmitContext, ref: NameRef): ResourceModel {
  const resource = ctx.resources.get(ref.name);
  if (!resource) throw new EmitError(`resource ${JSON.stringify(ref.name)} is not declared`, "unknown-resource", ref.span);
  return resource;
}

/** The resource's `type`, imported as a type from its module (rewritten relative to the output). */
export function resourceType(ctx: EmitContext, resource: ResourceModel): string {
  const name = safeIdentifier(resource.type, "resource type", resource.typeSpan ?? resource.span);
  return ctx.imports.use(moduleOf(ctx, resource), name, true);
}

/** The resource's `factory`, imported as a value. */
export function resourceFactory(ctx: EmitContext, resource: ResourceModel): string {
  const name = safeIdentifier(resource.factory, "resource factory", resource.factorySpan ?? resource.span);
  return ctx.imports.use(moduleOf(ctx, resource), name);
}

function moduleOf(ctx: EmitContext, resource: ResourceModel): string {
  return importSpecifier(resource.module, ctx.options.specPath, ctx.options.outPath);
}

/** An imported type's TypeScript type, imported as a type from its module: `ToolCall` (or, for a
 * `types` entry `Call: { import: …, name: ToolCall }`, `type ToolCall as Call`). */
export function importedTypeRef(ctx: EmitContext, type: TypeModel & { import: NonNullable<TypeModel["import"]> }): string {
  const name = safeIdentifier(type.name, "type", type.span);
  const exported = safeIdentifier(type.import.name, "imported type", type.import.nameSpan);
  ctx.importedTypes.set(type.name, type);
  return ctx.imports.use(importSpecifier(type.import.module, ctx.options.specPath, ctx.options.outPath), name, true, exported);
}

/** An imported type's zod schema, imported as a value from its module: `ToolCallSchema`. */
export function importedSchemaRef(ctx: EmitContext, type: TypeModel & { import: NonNullable<TypeModel["import"]> }): string {
  const name = `${safeIdentifier(type.name, "type", type.span)}Schema`;
  const exported = `${safeIdentifier(type.import.name, "imported type", type.import.nameSpan)}Schema`;
  ctx.importedTypes.set(type.name, type);
  return ctx.imports.use(importSpecifier(type.import.module, ctx.options.specPath, ctx.options.outPath), name, false, exported);
}

/**
 * One line per imported type the module uses, so that TypeScript checks the module's pair agrees:
 * `void (ToolCallSchema satisfies z.ZodType<ToolCall>);` (what the schema parses is a `ToolCall`).
 */
export function writeImportedTypeChecks(ctx: EmitContext, w: SourceWriter): void {
  const types = [...ctx.importedTypes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  w.writeLine("// What each imported schema parses is its imported type: a type error here means a module's");
  w.writeLine("// `<Name>Schema` and `<Name>` disagree.");
  for (const type of types) {
    const imported = { ...type, import: type.import! };
    w.writeLine(`void (${importedSchemaRef(ctx, imported)} satisfies ${zod(ctx)}.ZodType<${importedTypeRef(ctx, imported)}>);`);
  }
}
