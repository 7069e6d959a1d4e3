// The typed spec model: what the checks and the emitter share. Built from a schema-valid document
// by build-model.ts; every node keeps the source span it came from so checks can point at it.

import type { Span } from "./diagnostics.js";

export type Primitive = "string" | "number" | "integer" | "boolean" | "unknown";

/** A parsed field type: `string`, `Critique`, `map<string>`, `integer[]`, ... (`?` lives on the field). */
export type TypeRef =
  | { kind: "primitive"; name: Primitive }
  | { kind: "named"; name: string; span: Span }
  | { kind: "array"; element: TypeRef }
  | { kind: "map"; value: TypeRef };

export interface Constraints {
  enum?: readonly (string | number | boolean | null)[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  /** JavaScript RegExp source, compiled without flags (`new RegExp(pattern)`), as the schema check does. */
  pattern?: string;
}

/** Where each constraint's value sits in the YAML (long form only): `enum` lists one span per value. */
export interface ConstraintSpans {
  enum?: Span[];
  minimum?: Span;
  maximum?: Span;
  minLength?: Span;
  maxLength?: Span;
  pattern?: Span;
}

export interface FieldModel {
  /** The name as written in the spec; a valid property name (checked). */
  name: string;
  type: TypeRef;
  optional: boolean;
  description?: string;
  /** Present when the spec gives `default` (may be `null`). */
  hasDefault: boolean;
  default?: unknown;
  /** Checked to apply to the field's own type: enum → string/number/integer/boolean/unknown,
   * minimum/maximum → number/integer, minLength/maxLength → string or array, pattern → string. */
  constraints: Constraints;
  /** Positions of the constraints, for diagnostics (absent on built-in event fields). */
  constraintSpans?: ConstraintSpans;
  /** The field's key in the YAML. */
  span: Span;
  /** The type text's node (short form value, or `type:` value in the long form). */
  typeSpan: Span;
  /** The `default:` value's node, when there is one. */
  defaultSpan?: Span;
}

/** Where an imported type comes from: `{ import: ./schemas.js, name: ToolCall }`. The module exports the
 * TypeScript type `name` and its zod schema `<name>Schema` (see docs/spec-language.md, "Imported types"). */
export interface TypeImport {
  /** The import path, as written: relative to the spec file, or a package name. */
  module: string;
  /** The exported type's name; its schema is exported as `<name>Schema`. */
  name: string;
  /** The `import:` value's node. */
  moduleSpan: Span;
  /** The `name:` value's node (for a `types` entry without `name:`, the entry's key). */
  nameSpan: Span;
}

export interface TypeModel {
  /** The name fields refer to it by (and the generated module's identifier for it). */
  name: string;
  description?: string;
  /** Empty for an imported type: its fields live in its module. */
  fields: FieldModel[];
  span: Span;
  /** Present for an imported type: the generated module imports it instead of declaring it. */
  import?: TypeImport;
  /** For an imported type written inline in a field (`type: { import, name }`): the field it was
   * written in, for messages (`field 'call' of event 'ToolCalled'`). Such a type is never unused. */
  inlineIn?: string;
}

export type EventKind = "start" | "stop" | "input_required" | "human_response" | "stream" | "event";

export interface EventModel {
  name: string;
  kind: EventKind;
  description?: string;
  fields: FieldModel[];
  /** True for StartEvent, StopEvent, InputRequiredEvent, HumanResponseEvent. */
  builtin: boolean;
  /** True when the spec's `events:` declares it; false for a built-in added because a step names it.
   * Absent counts as `!builtin`. */
  declared?: boolean;
  /** Declared events: the key in `events:`. Built-ins: the first place the spec names them. */
  span: Span;
}

export interface ResourceModel {
  name: string;
  /** Exported type name in `module`. */
  type: string;
  /** Import path, relative to the spec file, as written. */
  module: string;
  factory: string;
  cache: boolean;
  description?: string;
  span: Span;
  moduleSpan: Span;
  /** The `type:` and `factory:` values' nodes (both become imported identifiers). */
  typeSpan?: Span;
  factorySpan?: Span;
}

export interface RetryModel {
  attempts: number;
  /** Seconds before the first retry; 0 when the spec omits it. */
  delay: number;
  /** Factor applied to the delay after each retry; 1 (a constant delay) when the spec omits it. */
  backoff: number;
}

/** A reference from a step to an event or resource, with the position of the name in the list. */
export interface NameRef {
  name: string;
  span: Span;
}

export interface StepModel {
  /** As written in the spec (snake_case or camelCase). */
  name: string;
  /** camelCase method name on the generated base class. */
  method: string;
  description?: string;
  accepts: NameRef[];
  emits: NameRef[];
  resources: NameRef[];
  workers: number;
  retry?: RetryModel;
  /** Per-step timeout in seconds, if the spec sets one. */
  timeout?: number | null;
  span: Span;
}

export interface SpecModel {
  /** The spec's path as given to the compiler. */
  path?: string;
  version: 1;
  workflow: string;
  workflowSpan: Span;
  description?: string;
  /** Seconds; `null` means no timeout; undefined means the runtime default (45). */
  timeout?: number | null;
  types: TypeModel[];
  state: FieldModel[];
  /** Declared events first (spec order), then the built-ins the spec uses. */
  events: EventModel[];
  resources: ResourceModel[];
  steps: StepModel[];
  /** Name of the single start event (declared `kind: start`, else `StartEvent`). */
  startEvent: string;
}

export const BUILTIN_EVENTS: Readonly<Record<string, { kind: EventKind; fields: { name: string; type: Primitive }[] }>> = {
  StartEvent: { kind: "start", fields: [] },
  StopEvent: { kind: "stop", fields: [{ name: "result", type: "unknown" }] },
  InputRequiredEvent: { kind: "input_required", fields: [{ name: "prefix", type: "string" }] },
  HumanResponseEvent: { kind: "human_response", fields: [{ name: "response", type: "string" }] },
};
