// Names a spec may not use, because the generated module, the language or the runtime already owns
// them. One place, so the emitter and runtime engineers can see (and extend) what is protected.

/** Reserved words of JavaScript (all modes) and TypeScript, contextual keywords included: a step,
 * event, type or workflow named like one would be confusing at best and a syntax error at worst. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  // ECMAScript reserved words
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
  "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof",
  "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
  "while", "with",
  // strict mode and module code
  "await", "yield", "let", "static", "implements", "interface", "package", "private", "protected", "public",
  // restricted identifiers and global constants
  "arguments", "eval", "undefined", "NaN", "Infinity",
  // TypeScript keywords, contextual keywords and primitive type names
  "abstract", "accessor", "any", "as", "assert", "asserts", "async", "bigint", "boolean", "constructor",
  "declare", "from", "get", "global", "infer", "intrinsic", "is", "keyof", "module", "namespace", "never",
  "number", "object", "of", "out", "override", "readonly", "require", "satisfies", "set", "string",
  "symbol", "type", "unique", "unknown", "using",
]);

/** Identifiers every generated module imports or may import from zod and `flowspec/runtime`. */
export const RUNTIME_NAMES: ReadonlySet<string> = new Set([
  "z", "Event", "EventClass", "Workflow", "WorkflowDefinition", "WorkflowOptions", "WorkflowHandler",
  "Context", "StepContext", "WorkflowTimeoutError", "WorkflowCancelledError", "WorkflowRuntimeError",
  "WorkflowValidationError", "JournalMismatchError",
]);

/** Globals the generated code refers to; a declaration with one of these names would shadow it. */
export const GLOBAL_NAMES: ReadonlySet<string> = new Set([
  "Promise", "PromiseLike", "Record", "Readonly", "ReadonlyArray", "Array", "Partial", "Object", "String",
  "Number", "Boolean", "Symbol", "BigInt", "Function", "Map", "Set", "Date", "RegExp", "Error", "JSON",
  "Math", "AbortSignal",
]);

/**
 * Every member of runtime/workflow.ts's `Workflow` class, its private and internal methods included:
 * TypeScript's `private` is a compile-time check only, so a step method named `runDurable` (from a step
 * `run_durable`) would replace the runtime's own at run time, and `flow.run()` would call the user's
 * code. tests/compiler/reserved.test.ts enumerates `Workflow.prototype` and fails when a member is
 * missing here, so a method the runtime adds cannot go unprotected. (The compiler does not import the
 * runtime to read them: loading it costs `check` about 90 ms at every start.) Names stay reserved after
 * the runtime drops them, so a spec valid today stays valid. A runtime method written `#private` is not
 * on the prototype and needs no entry.
 */
export const WORKFLOW_CLASS_MEMBERS: readonly string[] = [
  "constructor", "run", "runDurable", "startDurable", "failedRun", "takeOver", "resume", "recordUpgrade", "resumeAll",
];

/**
 * Names every object inherits from `Object.prototype`. No field (of an event, a type or the state) may
 * take one: zod reads a payload's fields with `payload[name]`, so a payload without the field would
 * offer the inherited method, and TypeScript treats every object as having them, so an optional field
 * by that name could never be filled in. The emitter refuses them too, as a last line of defence.
 */
export const OBJECT_MEMBERS: ReadonlySet<string> = new Set([
  "constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString", "valueOf",
  "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
]);

/** Instance members of a generated event class that a field may not take: one named `toJSON` would
 * hide runtime/event.ts's serializer. */
export const EVENT_MEMBERS: ReadonlySet<string> = new Set(["toJSON"]);

/** Why a module-level name is taken, or undefined when it is free. */
export function moduleNameOwner(name: string): string | undefined {
  if (RUNTIME_NAMES.has(name)) return name === "z" ? "the zod import 'z'" : `'${name}' from flowspec/runtime`;
  if (GLOBAL_NAMES.has(name)) return `the global '${name}'`;
  return undefined;
}

/** Members a generated `<Workflow>Base` inherits, which a step method must not override: the runtime
 * class's own (above), those of every object, `then` (a workflow with a `then` method would be taken
 * for a promise by `await`) and the phantom `__state` type member. */
export const WORKFLOW_MEMBERS: ReadonlySet<string> = new Set([...WORKFLOW_CLASS_MEMBERS, ...OBJECT_MEMBERS, "then", "__state"]);
