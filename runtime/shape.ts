// The shape of a workflow version: what a journaled run depends on. The journal records the shape
// each run was started with; `compat.ts` decides whether a later version can resume it, and
// `flowspec diff` classifies the changes between two versions of a spec. Both sides build it with
// `composeShape`: the runtime from a definition (generated code carries the field shapes, see
// `WorkflowDefinition.fields`), the compiler from a spec model, so the two always agree.

import { createHash } from "node:crypto";
import type { WorkflowDefinition } from "./definition.js";

/** A field as a run's data depends on it: its spec type, whether it may be absent, its default, its constraints. */
export interface FieldShape {
  readonly name: string;
  /** The type as the spec writes it, without `?`: `string`, `Critique`, `map<integer[]>`. */
  readonly type: string;
  /** Present and true when the field may be absent. */
  readonly optional?: true;
  /** Present when the field has a default (the value). */
  readonly default?: unknown;
  /** The spec's constraints (`enum`, `minimum`, `maxLength`, `pattern`, …), when there are any. */
  readonly constraints?: Readonly<Record<string, unknown>>;
}

/** The field shapes generated code hands the runtime: per event, per named type, and the state. */
export interface FieldShapes {
  readonly events: Readonly<Record<string, readonly FieldShape[]>>;
  readonly types: Readonly<Record<string, readonly FieldShape[]>>;
  readonly state: readonly FieldShape[];
}

/** A step, as a journaled run depends on it. `workers` and `attempts` make a replay decide as the run did. */
export interface StepShape {
  readonly name: string;
  /** Accepted and emitted event type names, sorted. */
  readonly accepts: readonly string[];
  readonly emits: readonly string[];
  readonly workers?: number;
  /** Total attempts of its retry policy. */
  readonly attempts?: number;
}

/** An event type: its kind, and (version 2) its fields. */
export interface EventShape {
  readonly name: string;
  readonly kind: string;
  readonly fields?: readonly FieldShape[];
}

/**
 * The shape of a workflow version. Version 2 (`version: 2`) also records fields, named types, the
 * state, and each step's workers and attempts; a shape without it (journals written before) has
 * step and event names and kinds only, and can only be compared by name.
 */
export interface WorkflowShape {
  readonly version?: 2;
  /** In spec order. */
  readonly steps: readonly StepShape[];
  /** Sorted by name: every event the workflow knows. */
  readonly events: readonly EventShape[];
  /** Sorted by name (version 2). */
  readonly types?: readonly { readonly name: string; readonly fields: readonly FieldShape[] }[];
  /** Version 2. */
  readonly state?: readonly FieldShape[];
}

/** What `composeShape` needs: steps and events by name, plus the field shapes when known. */
export interface ShapeInput {
  readonly steps: readonly { readonly name: string; readonly accepts: readonly string[]; readonly emits: readonly string[]; readonly workers: number; readonly attempts: number }[];
  readonly events: readonly { readonly name: string; readonly kind: string }[];
  readonly fields?: FieldShapes;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The canonical shape (sorted, plain JSON): version 2 when the field shapes are given. */
export function composeShape(input: ShapeInput): WorkflowShape {
  const fields = input.fields;
  const unique = new Map(input.events.map((e) => [e.name, e.kind]));
  const events = [...unique].map(([name, kind]) => ({ name, kind })).sort(byName);
  if (fields === undefined) {
    return {
      steps: input.steps.map((s) => ({ name: s.name, accepts: [...s.accepts].sort(), emits: [...s.emits].sort() })),
      events,
    };
  }
  return {
    version: 2,
    steps: input.steps.map((s) => ({ name: s.name, accepts: [...new Set(s.accepts)].sort(), emits: [...new Set(s.emits)].sort(), workers: s.workers, attempts: s.attempts })),
    events: events.map((e) => ({ ...e, fields: fields.events[e.name] ?? [] })),
    types: Object.keys(fields.types)
      .sort()
      .map((name) => ({ name, fields: fields.types[name]! })),
    state: fields.state,
  };
}

/** The shape of a workflow definition, as journaled (version 2 when the definition carries its field shapes). */
export function workflowShape(definition: WorkflowDefinition): WorkflowShape {
  const classes = [definition.startEvent, ...definition.events, ...definition.steps.flatMap((s) => [...s.accepts, ...s.emits])];
  return composeShape({
    steps: definition.steps.map((s) => ({
      name: s.name,
      accepts: s.accepts.map((c) => c.typeName),
      emits: s.emits.map((c) => c.typeName),
      workers: s.workers,
      attempts: s.retry?.attempts ?? 1,
    })),
    events: classes.map((c) => ({ name: c.typeName, kind: c.kind })),
    ...(definition.fields !== undefined ? { fields: definition.fields } : {}),
  });
}

/** The names-and-kinds part of a shape (what journals before version 2 recorded). */
export function namesOnly(shape: WorkflowShape): WorkflowShape {
  return {
    steps: shape.steps.map((s) => ({ name: s.name, accepts: s.accepts, emits: s.emits })),
    events: shape.events.map((e) => ({ name: e.name, kind: e.kind })),
  };
}

/** sha256 of the shape's canonical JSON, 16 hex chars. */
export function shapeFingerprint(shape: WorkflowShape): string {
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex").slice(0, 16);
}
