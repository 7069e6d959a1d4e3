// `invalid-identifier`: every name that becomes code must be a valid identifier of its kind, not a
// reserved word, and not a name the generated module already uses. Such a name is reported, never
// pasted into the output.

import { diagnostic, type Diagnostic, type Span } from "../diagnostics.js";
import { builtinEvent } from "../build-model.js";
import type { EventModel, FieldModel, SpecModel } from "../model.js";
import { formatType } from "../type-grammar.js";
import { quote } from "../text.js";
import { isDeclared } from "../graph/event-table.js";
import { EVENT_MEMBERS, moduleNameOwner, OBJECT_MEMBERS, RESERVED_WORDS } from "../reserved.js";

/** What a name becomes in the output, which decides its rules. */
export type NameKind =
  | "workflow" | "event" | "type" // PascalCase, module-level declarations
  | "step" // snake_case or camelCase, becomes a method
  | "property" // fields and resource names, become property names
  | "import"; // resource `type` and `factory`, imported identifiers

const PASCAL_CASE = /^[A-Z][A-Za-z0-9]*$/;
const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const CAMEL_CASE = /^[a-z][A-Za-z0-9]*$/;
const PROPERTY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IMPORTED = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Why `name` is not a valid name of its kind, or undefined when it is.
 *
 * @example
 * identifierProblem("generate_joke", "step");  // undefined
 * identifierProblem("await", "step");          // "is a reserved word of JavaScript or TypeScript"
 */
export function identifierProblem(name: string, kind: NameKind): string | undefined {
  if (name === "") return "is empty";
  if (name.startsWith("__")) return "must not start with '__'";
  if (name.startsWith("$") && kind !== "import") return "must not start with '$'";
  const shape = shapeProblem(name, kind);
  if (shape) return shape;
  if (kind === "property") return undefined; // property names may be reserved words: the emitter quotes them
  if (RESERVED_WORDS.has(name)) return "is a reserved word of JavaScript or TypeScript";
  if (kind === "step") return undefined; // methods live in the class, not the module
  const owner = moduleNameOwner(name);
  if (owner) return `is taken by ${owner} in the generated module`;
  if (kind !== "event" && builtinEvent(name)) return "is the name of a built-in event";
  return undefined;
}

function shapeProblem(name: string, kind: NameKind): string | undefined {
  switch (kind) {
    case "workflow":
    case "event":
    case "type":
      return PASCAL_CASE.test(name) ? undefined : "must be a PascalCase identifier (a capital letter, then letters and digits)";
    case "step":
      return SNAKE_CASE.test(name) || CAMEL_CASE.test(name) ? undefined : "must be a snake_case or camelCase identifier";
    case "property":
      return PROPERTY.test(name) ? undefined : "must be letters, digits and '_', not starting with a digit";
    case "import":
      return IMPORTED.test(name) ? undefined : "must be a JavaScript identifier exported by the resource's module";
  }
}

/** A name a module can export a type under, to be imported under another name. */
function isExportName(name: string): boolean {
  return IMPORTED.test(name) && !name.startsWith("__") && !RESERVED_WORDS.has(name);
}

/** Why a field name would clash with an inherited member of the object or event class that holds it. */
function memberProblem(name: string, isEvent: boolean): string | undefined {
  if (OBJECT_MEMBERS.has(name)) return `is named like a member every object inherits (Object.prototype.${name})`;
  if (isEvent && EVENT_MEMBERS.has(name)) return "cannot be a property of the generated event class";
  return undefined;
}

export function checkIdentifiers(model: SpecModel, file?: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  /** `label` turns the quoted name into the message's subject: `field 'x' of event 'E'`. */
  const check = (name: string, kind: NameKind, label: (quoted: string) => string, span: Span) => {
    const problem = identifierProblem(name, kind);
    if (problem) diagnostics.push(diagnostic("invalid-identifier", `${label(quote(name))} ${problem}`, span, file));
  };
  const checkFields = (fields: readonly FieldModel[], owner: string, isEvent = false) => {
    for (const field of fields) {
      const problem = identifierProblem(field.name, "property") ?? memberProblem(field.name, isEvent);
      if (problem) diagnostics.push(diagnostic("invalid-identifier", `field ${quote(field.name)} of ${owner} ${problem}`, field.span, file));
    }
  };

  check(model.workflow, "workflow", (q) => `workflow name ${q}`, model.workflowSpan);
  for (const type of model.types) {
    if (type.import?.name !== undefined && type.inlineIn !== undefined) {
      check(type.name, "type", (q) => `type ${q} imported by ${type.inlineIn}`, type.import.nameSpan);
      continue;
    }
    check(type.name, "type", (q) => `type ${q}`, type.span);
    checkFields(type.fields, `type ${quote(type.name)}`);
    // An imported type under another name: `import { type Exported as Name, ExportedSchema as NameSchema }`.
    if (type.import !== undefined && type.import.name !== type.name && !isExportName(type.import.name)) {
      const message = `'name' ${quote(type.import.name)} of type ${quote(type.name)} must be a JavaScript identifier (letters, digits, '_' and '$', not a reserved word): the name its module exports the type under`;
      diagnostics.push(diagnostic("invalid-identifier", message, type.import.nameSpan, file));
    }
  }
  checkFields(model.state, "state");
  for (const event of model.events) {
    if (event.builtin) {
      if (isDeclared(event)) diagnostics.push(...checkBuiltinRedeclaration(event, file));
      continue;
    }
    check(event.name, "event", (q) => `event ${q}`, event.span);
    checkFields(event.fields, `event ${quote(event.name)}`, true);
  }
  for (const step of model.steps) check(step.name, "step", (q) => `step ${q}`, step.span);
  for (const resource of model.resources) {
    const owner = quote(resource.name);
    check(resource.name, "property", (q) => `resource ${q}`, resource.span);
    check(resource.type, "import", (q) => `type ${q} of resource ${owner}`, resource.typeSpan ?? resource.span);
    check(resource.factory, "import", (q) => `factory ${q} of resource ${owner}`, resource.factorySpan ?? resource.span);
  }
  return diagnostics;
}

/** A built-in event may be declared again (to describe it) but keeps its kind and its fields. */
function checkBuiltinRedeclaration(event: EventModel, file?: string): Diagnostic[] {
  const builtin = builtinEvent(event.name)!;
  if (event.kind !== builtin.kind) {
    const message = `event ${quote(event.name)} is a built-in ${builtin.kind} event; it cannot be redeclared with kind '${event.kind}'`;
    return [diagnostic("invalid-identifier", message, event.span, file)];
  }
  const same =
    event.fields.length === builtin.fields.length &&
    event.fields.every((field, i) => !field.optional && field.name === builtin.fields[i]!.name && formatType(field.type) === builtin.fields[i]!.type);
  if (same) return [];
  const expected = builtin.fields.map((field) => `${field.name}: ${field.type}`).join(", ") || "none";
  const message = `event ${quote(event.name)} is built in and its fields are fixed (${expected}); declare an event with another name`;
  return [diagnostic("invalid-identifier", message, event.span, file)];
}
