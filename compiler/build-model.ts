// Stage 3: a schema-valid document → the typed SpecModel the checks and the emitter share.
// Fills in the spec language's defaults, parses field types, adds the built-in events the spec uses,
// and records a source span on every node so later checks can point at it. It reports only what it
// cannot represent (malformed type text); every other verdict belongs to compiler/checks/.

import { diagnostic, type Diagnostic, type Span } from "./diagnostics.js";
import type { DocPath, Locator } from "./locate.js";
import {
  BUILTIN_EVENTS,
  type ConstraintSpans,
  type Constraints,
  type EventKind,
  type EventModel,
  type FieldModel,
  type NameRef,
  type ResourceModel,
  type SpecModel,
  type StepModel,
  type TypeModel,
} from "./model.js";
import { quote } from "./text.js";
import { suggester } from "./suggest.js";
import { namedRefs, parseFieldType, PRIMITIVES, type SpanAt } from "./type-grammar.js";

type Dict = Record<string, unknown>;

interface BuildContext {
  locator: Locator;
  file?: string;
  diagnostics: Diagnostic[];
  /** "Did you mean" for type text errors, over the primitives and the declared type names. */
  suggestType: (name: string) => string | undefined;
  /** Types fields import inline, in spec order (one per field that does). */
  inlineImports: TypeModel[];
}

/**
 * Builds the model. Defaults: `kind: event`, `workers: 4` (the reference's `num_workers`), `cache: true`, retry `delay: 0` and
 * `backoff: 1`, `emits` and `resources` empty when omitted.
 *
 * @example
 * const { data, locator } = loadYaml(source);
 * const { model, diagnostics } = buildModel(data, locator, "specs/joke.yaml");
 * model.steps[0].method;   // "generateJoke"
 */
export function buildModel(data: unknown, locator: Locator, file?: string): { model: SpecModel; diagnostics: Diagnostic[] } {
  const root = asDict(data);
  const suggestType = suggester([...PRIMITIVES, ...Object.keys(asDict(root.types))]);
  const ctx: BuildContext = { locator, file, diagnostics: [], suggestType, inlineImports: [] };

  const types = entries(root.types).map(([name, raw]) => buildType(name, asDict(raw), ctx));
  const declaredEvents = entries(root.events).map(([name, raw]) => buildEvent(name, asDict(raw), ctx));
  const steps = entries(root.steps).map(([name, raw]) => buildStep(name, asDict(raw), ctx));
  const startEvent = declaredEvents.find((event) => event.kind === "start")?.name ?? "StartEvent";
  const state = buildFields(root.state, ["state"], ctx);
  // Types imported inline by fields (`type: { import, name }`) join the declared ones, once per name
  // and module; one that another type already names is left to checks/names.ts (duplicate-name).
  for (const inline of ctx.inlineImports) {
    const same = types.find((type) => type.name === inline.name && type.import?.module === inline.import?.module && type.import?.name === inline.import?.name);
    if (!same) types.push(inline);
  }

  const model: SpecModel = {
    ...(file === undefined ? {} : { path: file }),
    version: 1,
    workflow: typeof root.workflow === "string" ? root.workflow : "",
    workflowSpan: locator.value(["workflow"]),
    ...description(root),
    ...(root.timeout === null || typeof root.timeout === "number" ? { timeout: root.timeout } : {}),
    types,
    state,
    events: [...declaredEvents, ...usedBuiltinEvents(steps, declaredEvents)],
    resources: entries(root.resources).map(([name, raw]) => buildResource(name, asDict(raw), locator)),
    steps,
    startEvent,
  };
  return { model, diagnostics: ctx.diagnostics };
}

/** `generate_joke` → `generateJoke`; camelCase names are kept as they are. */
export function toMethodName(stepName: string): string {
  return stepName.replace(/_+([A-Za-z0-9])/g, (_, next: string) => next.toUpperCase());
}

/** A `types` entry: declared (`fields:`) or imported (`import:`, optional `name:`). */
function buildType(name: string, raw: Dict, ctx: BuildContext): TypeModel {
  const path = ["types", name];
  const span = ctx.locator.key(path);
  const problem = (message: string, key: string) => ctx.diagnostics.push(diagnostic("schema", message, ctx.locator.key([...path, key]), ctx.file));
  if (typeof raw.import !== "string") {
    if (raw.fields === undefined) ctx.diagnostics.push(diagnostic("schema", `type ${quote(name)} needs 'fields' (a type declared here) or 'import' (a type imported from a module)`, span, ctx.file));
    if (raw.name !== undefined) problem(`'name' of type ${quote(name)} applies only to an imported type (one with 'import')`, "name");
    return { name, ...description(raw), fields: buildFields(raw.fields, [...path, "fields"], ctx), span };
  }
  if (raw.fields !== undefined) problem(`type ${quote(name)} has both 'import' and 'fields': an imported type takes its fields from its module`, "fields");
  const exported = typeof raw.name === "string" ? raw.name : name;
  const nameSpan = typeof raw.name === "string" ? ctx.locator.value([...path, "name"]) : span;
  const moduleSpan = ctx.locator.value([...path, "import"]);
  return { name, ...description(raw), fields: [], span, import: { module: raw.import, name: exported, moduleSpan, nameSpan } };
}

function buildEvent(name: string, raw: Dict, ctx: BuildContext): EventModel {
  const builtin = builtinEvent(name);
  const declaredKind = typeof raw.kind === "string" ? (raw.kind as EventKind) : undefined;
  const span = ctx.locator.key(["events", name]);
  // A built-in may be redeclared (to describe it); it keeps its kind and fields unless the spec
  // gives others, which checks/identifiers.ts then rejects.
  const fields = builtin && raw.fields === undefined ? builtinFields(name, span) : buildFields(raw.fields, ["events", name, "fields"], ctx);
  return { name, kind: declaredKind ?? builtin?.kind ?? "event", ...description(raw), fields, builtin: builtin !== undefined, declared: true, span };
}

/** Built-ins the steps name but the spec does not declare, in canonical order, each with the span of
 * its first mention in the file. */
function usedBuiltinEvents(steps: StepModel[], declared: EventModel[]): EventModel[] {
  const declaredNames = new Set(declared.map((event) => event.name));
  const firstMention = new Map<string, Span>();
  for (const ref of steps.flatMap((step) => [...step.accepts, ...step.emits])) {
    if (!builtinEvent(ref.name) || declaredNames.has(ref.name)) continue;
    const seen = firstMention.get(ref.name);
    if (!seen || ref.span.line < seen.line || (ref.span.line === seen.line && ref.span.column < seen.column)) firstMention.set(ref.name, ref.span);
  }
  return Object.entries(BUILTIN_EVENTS)
    .filter(([name]) => firstMention.has(name))
    .map(([name, builtin]) => {
      const span = firstMention.get(name)!;
      return { name, kind: builtin.kind, fields: builtinFields(name, span), builtin: true, declared: false, span };
    });
}

/** Own keys only: an event named `constructor` or `toString` is not a built-in. */
export function builtinEvent(name: string): (typeof BUILTIN_EVENTS)[string] | undefined {
  return Object.hasOwn(BUILTIN_EVENTS, name) ? BUILTIN_EVENTS[name] : undefined;
}

function builtinFields(name: string, span: Span): FieldModel[] {
  return (builtinEvent(name)?.fields ?? []).map((field) => ({
    name: field.name,
    type: { kind: "primitive", name: field.type },
    optional: false,
    hasDefault: false,
    constraints: {},
    span,
    typeSpan: span,
  }));
}

function buildStep(name: string, raw: Dict, ctx: BuildContext): StepModel {
  const path = ["steps", name];
  const retry = isDict(raw.retry) ? raw.retry : undefined;
  return {
    name,
    method: toMethodName(name),
    ...description(raw),
    accepts: nameRefs(raw.accepts, [...path, "accepts"], ctx.locator),
    emits: nameRefs(raw.emits, [...path, "emits"], ctx.locator),
    resources: nameRefs(raw.resources, [...path, "resources"], ctx.locator),
    workers: typeof raw.workers === "number" ? raw.workers : 4,
    ...(retry ? { retry: { attempts: numberOr(retry.attempts, 1), delay: numberOr(retry.delay, 0), backoff: numberOr(retry.backoff, 1) } } : {}),
    ...(raw.timeout === null || typeof raw.timeout === "number" ? { timeout: raw.timeout } : {}),
    span: ctx.locator.key(path),
  };
}

/** `accepts: A` or `accepts: [A, B]` → one reference per name, pointing at the name itself. */
function nameRefs(raw: unknown, path: DocPath, locator: Locator): NameRef[] {
  if (typeof raw === "string") return [{ name: raw, span: locator.value(path) }];
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((name, index) => (typeof name === "string" ? [{ name, span: locator.value([...path, index]) }] : []));
}

function buildResource(name: string, raw: Dict, locator: Locator): ResourceModel {
  const path = ["resources", name];
  return {
    name,
    type: stringOr(raw.type, ""),
    module: stringOr(raw.module, ""),
    factory: stringOr(raw.factory, ""),
    cache: typeof raw.cache === "boolean" ? raw.cache : true,
    ...description(raw),
    span: locator.key(path),
    moduleSpan: locator.value([...path, "module"]),
    typeSpan: locator.value([...path, "type"]),
    factorySpan: locator.value([...path, "factory"]),
  };
}

function buildFields(raw: unknown, path: DocPath, ctx: BuildContext): FieldModel[] {
  return entries(raw).map(([name, value]) => buildField(name, value, [...path, name], ctx));
}

/** Short form `topic: string?` or long form `topic: { type: string, default: "x", ... }`. */
function buildField(name: string, raw: unknown, path: DocPath, ctx: BuildContext): FieldModel {
  const long = isDict(raw) ? raw : undefined;
  const typeSpan = ctx.locator.value(long ? [...path, "type"] : path);
  const inline = long && isDict(long.type) ? long.type : undefined;
  const typeText = inline ? stringOr(inline.name, "unknown") : stringOr(long ? long.type : raw, "unknown");
  const textSpan = inline ? ctx.locator.value([...path, "type", "name"]) : typeSpan;
  let parsed = parseFieldType(typeText, { spanAt: spanWithin(textSpan, typeText), suggestType: ctx.suggestType });
  if (!parsed.ok) {
    // In an inline import, a name that is no type name is the import's name, not a missing `types` entry.
    const importName = inline !== undefined && parsed.error.code === "unknown-type";
    const why = importName
      ? `an imported type's 'name' must be a PascalCase type name (to import another name, declare it under 'types' with 'import' and 'name')`
      : parsed.error.message;
    const message = `field ${quote(name)} has an invalid type: ${why}`;
    ctx.diagnostics.push(diagnostic(importName ? "invalid-identifier" : parsed.error.code, message, parsed.error.span, ctx.file));
  } else if (inline) {
    // `type: { import: ./schemas.js, name: ToolCall[] }`: the name is a type text whose one named type
    // is the import; it joins the model's types (buildModel), and the field refers to it by name.
    const [ref, ...more] = namedRefs(parsed.type);
    if (ref === undefined || more.length > 0) {
      const message = `field ${quote(name)} has an invalid type: 'name' must name the imported type, as in 'ToolCall', 'ToolCall[]' or 'ToolCall?'`;
      ctx.diagnostics.push(diagnostic("schema", message, textSpan, ctx.file));
      parsed = { ok: false, error: { code: "schema", message, offset: 0, length: 0, span: textSpan } };
    } else {
      const owner = ownerOf(path);
      const moduleSpan = ctx.locator.value([...path, "type", "import"]);
      const typeImport = { module: stringOr(inline.import, ""), name: ref.name, moduleSpan, nameSpan: ref.span };
      ctx.inlineImports.push({ name: ref.name, fields: [], span: typeSpan, import: typeImport, inlineIn: `field ${quote(name)} of ${owner}` });
    }
  }
  const hasDefault = long !== undefined && "default" in long;
  return {
    name,
    // After a type error the field counts as `unknown`, so no check piles on with a second error.
    type: parsed.ok ? parsed.type : { kind: "primitive", name: "unknown" },
    // After a type error, a trailing `?` still says what the author meant (no state-field-needs-default).
    optional: parsed.ok ? parsed.optional : typeText.trim().endsWith("?"),
    ...(typeof long?.description === "string" ? { description: long.description } : {}),
    hasDefault,
    ...(hasDefault ? { default: long!.default, defaultSpan: ctx.locator.value([...path, "default"]) } : {}),
    // Constraints on a type that did not parse would only add errors about the stand-in `unknown`.
    constraints: long && parsed.ok ? constraintsOf(long) : {},
    ...(long && parsed.ok ? { constraintSpans: constraintSpansOf(long, path, ctx.locator) } : {}),
    span: ctx.locator.key(path),
    typeSpan,
  };
}

const NUMBER_CONSTRAINTS = ["minimum", "maximum", "minLength", "maxLength"] as const;

function constraintsOf(long: Dict): Constraints {
  const constraints: Constraints = {};
  if (Array.isArray(long.enum)) constraints.enum = long.enum as Constraints["enum"];
  for (const key of NUMBER_CONSTRAINTS) if (typeof long[key] === "number") constraints[key] = long[key];
  if (typeof long.pattern === "string") constraints.pattern = long.pattern;
  return constraints;
}

function constraintSpansOf(long: Dict, path: DocPath, locator: Locator): ConstraintSpans {
  const spans: ConstraintSpans = {};
  if (Array.isArray(long.enum)) spans.enum = long.enum.map((_, index) => locator.value([...path, "enum", index]));
  for (const key of [...NUMBER_CONSTRAINTS, "pattern"] as const) if (key in long) spans[key] = locator.value([...path, key]);
  return spans;
}

/** `event 'E'`, `type 'T'`, `state`: who holds the fields at `path` (`[events, E, fields, x]`). */
function ownerOf(path: DocPath): string {
  const [section, name] = path;
  if (section === "events") return `event ${quote(String(name))}`;
  if (section === "types") return `type ${quote(String(name))}`;
  return "state";
}

/**
 * Maps offsets in a type text to columns inside its YAML node. Plain scalars start at the text;
 * quoted ones one character later. Anything else (escapes, multi-line) points at the whole node.
 */
function spanWithin(node: Span, text: string): SpanAt {
  const width = node.endLine === node.line && node.endColumn !== undefined ? node.endColumn - node.column : -1;
  const shift = width === text.length ? 0 : width === text.length + 2 ? 1 : undefined;
  if (shift === undefined) return () => node;
  return (offset, length) => {
    const column = node.column + shift + offset;
    return { line: node.line, column, endLine: node.line, endColumn: column + length };
  };
}

function description(raw: unknown): { description?: string } {
  const text = asDict(raw).description;
  return typeof text === "string" ? { description: text } : {};
}

function isDict(value: unknown): value is Dict {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asDict(value: unknown): Dict {
  return isDict(value) ? value : {};
}

/** A mapping's entries in document order (the schema guarantees mappings where it matters). */
function entries(value: unknown): [string, unknown][] {
  return Object.entries(asDict(value));
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}
