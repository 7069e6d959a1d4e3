// Random VALID specs: a graph of events and steps that satisfies every rule of DESIGN.md (one start
// event, every step reachable, every `event`-kind event both emitted and accepted, a stop event
// reachable from every reachable step), with random field types (arrays, maps, named types,
// optionals), constraints and valid defaults, and arbitrary text in every description.
//
// Construction, so validity holds by design rather than by filtering:
//   - steps s0..s(n-1); s0 accepts the start event;
//   - every step i > 0 accepts an event emitted by some step j < i (a spanning tree: all reachable);
//   - a step with no tree child emits a stop event (so every step reaches a stop going forward);
//   - extra events between random steps (back edges make loops; they never remove a forward path);
//   - optionally an input_required emitter and a human_response acceptor (which emits a stop);
//   - only declared things that are used (no unused-* warnings), so a valid spec has NO diagnostics.

import fc from "fast-check";
import { stringify } from "yaml";
import { anyString, constraintsFor, fieldTypeText, valueOf, type GenField, type GenNamedType, type GenType, type Types } from "./values.js";

/** Distinct words, so step names never map to the same method (`a_b` and `aB` both become `aB`). */
const WORDS = ["fetch", "parse", "judge", "route", "merge", "split", "score", "draft", "check", "store", "shout", "count"];

/**
 * Field names: plain ones and reserved words (valid as properties, DESIGN.md). Names of
 * Object.prototype members (`constructor`, `toString`, `valueOf`, `hasOwnProperty`, ...) are left out:
 * whether a spec may use them is being settled (the emitter refuses them), and emitted-code.test.ts
 * pins that down with a spec of its own.
 */
const FIELD_NAMES = [
  "topic", "value", "_x", "A1", "number", "string", "arguments", "class", "default", "new", "delete", "in",
  "await", "this", "super", "z", "data", "then", "kind", "schema", "typeName", "prototype", "length", "name",
  "eval", "undefined", "NaN", "enum", "static", "get", "set", "async", "of", "toJSONx", "_proto_",
];
/** Fields an event class cannot have (compiler/reserved.ts EVENT_MEMBERS reports them). */
const NOT_EVENT_FIELDS = new Set(["constructor", "toJSON"]);

/** Resource types and factories the typecheck sample's support module exports. */
export const RESOURCE_POOL = ["Alpha", "Beta", "Gamma"] as const;

export interface GeneratedSpec {
  /** The document, as plain data (also used by the data mutations). */
  doc: Record<string, unknown>;
  yaml: string;
  workflow: string;
  startEvent: string;
  /** For each declared event: a payload its schema must accept (every required field set). */
  payloads: Record<string, Record<string, unknown>>;
  /** For each declared event: its fields' defaults (what `new Event(payload)` fills in). */
  eventDefaults: Record<string, Record<string, unknown>>;
  /** State defaults as the spec gives them: `<Workflow>StateSchema.parse({})` must give these. */
  stateDefaults: Record<string, unknown>;
  /** Optional state fields without a default (absent from the parsed state). */
  stateOptional: string[];
}

export interface SpecGenOptions {
  /** Resource `module` value; default `./support/resources.js`. */
  module?: string;
  /** Arbitrary text for descriptions; default {@link anyString}. */
  text?: fc.Arbitrary<string>;
}

type Gen = fc.GeneratorValue;

export function validSpec(options: SpecGenOptions = {}): fc.Arbitrary<GeneratedSpec> {
  return fc.gen().map((g) => buildSpec(g, options));
}

function buildSpec(g: Gen, options: SpecGenOptions): GeneratedSpec {
  const text = options.text ?? anyString(16);
  const maybeDescription = (): { description?: string } => (g(fc.boolean) ? { description: g(() => text) } : {});
  const workflow = `Flow${g(fc.integer, { min: 0, max: 99 })}`;

  // Named types: each may refer to earlier ones, and to itself through an array or an optional field.
  const types = new Map<string, GenNamedType>();
  const typeCount = g(fc.integer, { min: 0, max: 3 });
  for (let i = 0; i < typeCount; i++) {
    const name = `Shape${i}`;
    const named: GenNamedType = { name, fields: [] };
    types.set(name, named);
    named.fields = genFields(g, types, { min: 1, max: 3, allowSelf: name, forState: false, text });
  }
  // Mutual recursion: an earlier type refers forward to a later one (optionally: witnesses of the
  // earlier type, made before, leave it out), a cycle when the later one refers back.
  if (typeCount >= 2 && g(fc.boolean)) {
    const later = g(fc.integer, { min: 1, max: typeCount - 1 });
    const earlier = types.get(`Shape${g(fc.integer, { min: 0, max: later - 1 })}`)!;
    const asList = g(fc.boolean);
    earlier.fields.push({
      name: "next_",
      type: asList ? { k: "array", element: { k: "named", name: `Shape${later}` } } : { k: "named", name: `Shape${later}` },
      optional: true,
      witness: undefined,
      constraints: {},
      long: g(fc.boolean),
      spaced: false,
    });
  }

  // The event graph.
  const stepCount = g(fc.integer, { min: 1, max: 6 });
  const steps = Array.from({ length: stepCount }, (_, i) => ({
    name: g(fc.boolean) ? `${WORDS[i]}_step` : `${WORDS[i]}Step`,
    accepts: [] as string[],
    emits: [] as string[],
  }));
  const customStart = g(fc.boolean);
  const startEvent = customStart ? "Begin" : "StartEvent";
  const routed: { name: string; kind: string }[] = [];
  let eventIndex = 0;
  const newEvent = (kind: string) => {
    const name = `Ev${eventIndex++}`;
    routed.push({ name, kind });
    return name;
  };
  steps[0]!.accepts.push(startEvent);
  const hasChild = new Array<boolean>(stepCount).fill(false);
  for (let i = 1; i < stepCount; i++) {
    const parent = g(fc.integer, { min: 0, max: i - 1 });
    const reuse = steps[parent]!.emits.find((name) => routed.some((e) => e.name === name && e.kind === "event"));
    const ev = reuse !== undefined && g(fc.boolean) ? reuse : newEvent("event");
    if (!steps[parent]!.emits.includes(ev)) steps[parent]!.emits.push(ev);
    steps[i]!.accepts.push(ev);
    hasChild[parent] = true;
  }
  // Extra edges, loops included.
  const extra = g(fc.integer, { min: 0, max: 3 });
  for (let k = 0; k < extra; k++) {
    const from = g(fc.integer, { min: 0, max: stepCount - 1 });
    const to = g(fc.integer, { min: 0, max: stepCount - 1 });
    const ev = newEvent("event");
    steps[from]!.emits.push(ev);
    steps[to]!.accepts.push(ev);
  }
  // Stops: custom ones and/or the built-in.
  const stops = g(fc.boolean) ? ["StopEvent"] : [];
  const customStops = g(fc.integer, { min: stops.length === 0 ? 1 : 0, max: 2 });
  for (let k = 0; k < customStops; k++) stops.push(newEvent("stop"));
  steps.forEach((step, i) => {
    if (!hasChild[i] || g(fc.integer, { min: 0, max: 3 }) === 0) step.emits.push(g(fc.constantFrom, ...stops));
  });
  // Every stop event is emitted somewhere (else the step accepting nothing... it is simply unused).
  for (const stop of stops) if (!steps.some((step) => step.emits.includes(stop))) steps[stepCount - 1]!.emits.push(stop);
  // Human in the loop: a step asks, another (new) step hears the answer and stops the run.
  if (g(fc.integer, { min: 0, max: 3 }) === 0) {
    const asker = g(fc.integer, { min: 0, max: stepCount - 1 });
    const request = g(fc.boolean) ? "InputRequiredEvent" : newEvent("input_required");
    const response = g(fc.boolean) ? "HumanResponseEvent" : newEvent("human_response");
    steps[asker]!.emits.push(request);
    steps.push({ name: `${WORDS[stepCount]}_answer`, accepts: [response], emits: [g(fc.constantFrom, ...stops)] });
  }
  if (g(fc.boolean)) newEvent("stream"); // declared, never routed, and no unused-event warning

  // Events: declared in a shuffled order (declaration order must not matter).
  const events: Record<string, unknown> = {};
  const payloads: Record<string, Record<string, unknown>> = {};
  const eventFields: GenField[] = [];
  const eventDefaults: Record<string, Record<string, unknown>> = {};
  const declared = [...(customStart ? [{ name: "Begin", kind: "start" }] : []), ...routed];
  const order = g(fc.shuffledSubarray, declared, { minLength: declared.length });
  for (const event of order) {
    const fields = genFields(g, types, { min: 0, max: 3, forState: false, forEvent: true, text });
    const entry: Record<string, unknown> = {};
    if (event.kind !== "event" || g(fc.boolean)) entry.kind = event.kind;
    Object.assign(entry, maybeDescription());
    if (fields.length > 0 || g(fc.boolean)) entry.fields = renderFields(fields);
    events[event.name] = entry;
    payloads[event.name] = samplePayload(fields);
    eventDefaults[event.name] = Object.fromEntries(fields.flatMap((field) => (field.default === undefined ? [] : [[field.name, field.default.value]])));
    eventFields.push(...fields);
  }

  // Resources: each used by at least one step.
  const resources: Record<string, unknown> = {};
  const resourceCount = g(fc.integer, { min: 0, max: 2 });
  for (let r = 0; r < resourceCount; r++) {
    const name = `res${r}`;
    const type = RESOURCE_POOL[r]!;
    resources[name] = {
      type,
      module: options.module ?? "./support/resources.js",
      factory: `create${type}`,
      ...(g(fc.boolean) ? { cache: g(fc.boolean) } : {}),
      ...maybeDescription(),
    };
  }

  const stepDocs: Record<string, unknown> = {};
  steps.forEach((step, i) => {
    const used = Object.keys(resources).filter((_, r) => r % steps.length === i % steps.length || g(fc.boolean));
    const entry: Record<string, unknown> = {
      accepts: step.accepts.length === 1 && g(fc.boolean) ? step.accepts[0] : step.accepts,
    };
    if (step.emits.length > 0) entry.emits = step.emits.length === 1 && g(fc.boolean) ? step.emits[0] : step.emits;
    if (used.length > 0) entry.resources = used;
    if (g(fc.boolean)) entry.workers = g(fc.integer, { min: 1, max: 8 });
    if (g(fc.boolean)) {
      entry.retry = {
        attempts: g(fc.integer, { min: 1, max: 5 }),
        ...(g(fc.boolean) ? { delay: g(fc.double, { min: 0, max: 10, noNaN: true }) } : {}),
        ...(g(fc.boolean) ? { backoff: g(fc.double, { min: 1, max: 4, noNaN: true }) } : {}),
      };
    }
    if (g(fc.boolean)) entry.timeout = g(fc.boolean) ? null : g(fc.double, { min: 0.001, max: 600, noNaN: true });
    Object.assign(entry, maybeDescription());
    stepDocs[step.name] = entry;
  });

  const state = g(fc.boolean) ? genFields(g, types, { min: 1, max: 3, forState: true, text }) : [];
  const stateDefaults: Record<string, unknown> = {};
  for (const field of state) if (field.default !== undefined) stateDefaults[field.name] = field.default.value;

  // Types used by nothing would be `unused-type` warnings: keep only the ones fields reach.
  const usedTypes = reachableTypes([...state, ...eventFields], types);
  const typeDocs: Record<string, unknown> = {};
  for (const named of types.values()) {
    if (!usedTypes.has(named.name)) continue;
    typeDocs[named.name] = { ...maybeDescription(), fields: renderFields(named.fields) };
  }

  const doc: Record<string, unknown> = { flowspec: 1, workflow };
  Object.assign(doc, maybeDescription());
  if (g(fc.boolean)) doc.timeout = g(fc.boolean) ? null : g(fc.double, { min: 0.001, max: 3600, noNaN: true });
  if (Object.keys(typeDocs).length > 0) doc.types = typeDocs;
  if (state.length > 0) doc.state = renderFields(state);
  if (Object.keys(events).length > 0) doc.events = events;
  if (resourceCount > 0) doc.resources = resources;
  doc.steps = stepDocs;
  return {
    doc,
    yaml: stringify(doc),
    workflow,
    startEvent,
    payloads,
    eventDefaults,
    stateDefaults,
    stateOptional: state.filter((field) => field.default === undefined).map((field) => field.name),
  };
}

interface FieldOptions {
  min: number;
  max: number;
  forState: boolean;
  forEvent?: boolean;
  /** A named type's own name: its fields may refer back to it (through an array or an optional). */
  allowSelf?: string;
  text: fc.Arbitrary<string>;
}

function genFields(g: Gen, types: Types, options: FieldOptions): GenField[] {
  const pool = FIELD_NAMES.filter((name) => !(options.forEvent && NOT_EVENT_FIELDS.has(name)));
  const names = g(fc.shuffledSubarray, pool, { minLength: options.min, maxLength: options.max });
  return names.map((name) => genField(g, name, types, options));
}

function genType(g: Gen, types: Types, allowSelf: string | undefined, depth = 0): GenType {
  const named = [...types.keys()].filter((name) => name !== allowSelf);
  const choice = g(fc.integer, { min: 0, max: depth > 1 ? 5 : 9 });
  if (choice <= 4 || (choice === 9 && named.length === 0)) {
    return { k: "prim", name: (["string", "number", "integer", "boolean", "unknown"] as const)[choice % 5]! };
  }
  if (choice === 5 && named.length > 0) return { k: "named", name: g(fc.constantFrom, ...named) };
  if (choice === 5) return { k: "prim", name: "string" };
  if (choice <= 7) return { k: "array", element: genType(g, types, allowSelf, depth + 1) };
  if (choice === 8) return { k: "map", value: genType(g, types, allowSelf, depth + 1) };
  return { k: "named", name: g(fc.constantFrom, ...named) };
}

function genField(g: Gen, name: string, types: Types, options: FieldOptions): GenField {
  let type = genType(g, types, options.allowSelf);
  let optional = g(fc.boolean);
  // A named type may refer to itself: through an array (`Shape0[]`) or an optional field.
  if (options.allowSelf !== undefined && g(fc.integer, { min: 0, max: 4 }) === 0) {
    type = g(fc.boolean) ? { k: "array", element: { k: "named", name: options.allowSelf } } : { k: "named", name: options.allowSelf };
    if (type.k === "named") optional = true;
  }
  const refersToSelf = options.allowSelf !== undefined && mentions(type, options.allowSelf);
  // State fields that are not optional need a default; elsewhere a default is a coin toss.
  const wantsDefault = !refersToSelf && ((options.forState && !optional) || g(fc.integer, { min: 0, max: 2 }) === 0);
  const witness = refersToSelf ? (type.k === "array" ? [] : undefined) : g(() => valueOf(type, types));
  const def = wantsDefault ? { value: witness } : undefined;
  const constraints = refersToSelf ? {} : g(() => constraintsFor(type, { value: witness }));
  const description = g(fc.boolean) ? g(() => options.text) : undefined;
  return {
    name,
    type,
    optional,
    ...(def === undefined ? {} : { default: def }),
    witness,
    constraints,
    ...(description === undefined ? {} : { description }),
    long: g(fc.boolean),
    spaced: g(fc.integer, { min: 0, max: 5 }) === 0,
  };
}

function mentions(type: GenType, name: string): boolean {
  switch (type.k) {
    case "prim":
      return false;
    case "named":
      return type.name === name;
    case "array":
      return mentions(type.element, name);
    case "map":
      return mentions(type.value, name);
  }
}

/** Short form when nothing needs the long one. */
function renderFields(fields: readonly GenField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const short = !field.long && field.default === undefined && field.description === undefined && Object.keys(field.constraints).length === 0;
    if (short) {
      out[field.name] = fieldTypeText(field);
      continue;
    }
    out[field.name] = {
      type: fieldTypeText(field),
      ...(field.description === undefined ? {} : { description: field.description }),
      ...(field.default === undefined ? {} : { default: field.default.value }),
      ...field.constraints,
    };
  }
  return out;
}

/** A payload with every required field of an event set to a value that fits its type and constraints. */
function samplePayload(fields: readonly GenField[]): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const field of fields) if (!field.optional && field.default === undefined) payload[field.name] = field.witness;
  return payload;
}

function reachableTypes(fields: readonly GenField[], types: Types): Set<string> {
  const used = new Set<string>();
  const pending = [...fields];
  while (pending.length > 0) {
    const field = pending.pop()!;
    for (const name of namedIn(field.type)) {
      if (used.has(name)) continue;
      used.add(name);
      pending.push(...types.get(name)!.fields);
    }
  }
  return used;
}

function namedIn(type: GenType): string[] {
  switch (type.k) {
    case "prim":
      return [];
    case "named":
      return [type.name];
    case "array":
      return namedIn(type.element);
    case "map":
      return namedIn(type.value);
  }
}
