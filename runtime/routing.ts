// The routing tables a run needs, computed once per workflow instance from its definition: which
// steps accept which event type, step lookup by spec or method name, event classes by type name.

import type { ZodType } from "zod";
import type { RetryPolicy, StepDefinition, WorkflowDefinition } from "./definition.js";
import { BUILT_IN_EVENTS, type EventClass, type EventKind } from "./event.js";
import { fillsIn } from "./validate.js";

const NO_RETRY: RetryPolicy = Object.freeze({ attempts: 1, delay: 0, backoff: 1 });

/** A step, resolved for the run loop. */
export interface StepEnv {
  readonly index: number;
  readonly name: string;
  readonly method: string;
  readonly accepts: ReadonlySet<string>;
  /** Type names of the events it may return or send (its spec `emits`). */
  readonly emits: ReadonlySet<string>;
  readonly workers: number;
  readonly retry: RetryPolicy;
  /** Seconds per attempt, or null. */
  readonly timeout: number | null;
  readonly resources: readonly string[];
}

/** What routing and validation need from an event class, read once (its statics are read once). */
export interface ClassInfo {
  readonly typeName: string;
  readonly kind: EventKind;
  readonly schema: ZodType;
  /** Parsing with `schema` can fill in a default (`checkEvent` then writes the parsed values back). */
  readonly fillsIn: boolean;
  /** The steps accepting this event type, in spec order. */
  readonly recipients: readonly StepEnv[];
}

/** Static, per-workflow tables. Only `classes`, a memo, grows (with classes met at run time). */
export interface RunEnv {
  readonly workflow: string;
  readonly steps: readonly StepEnv[];
  /** By spec name (`generate_joke`) and by method name (`generateJoke`). */
  readonly byName: ReadonlyMap<string, StepEnv>;
  /** Event type name → the steps accepting it, in spec order. */
  readonly routes: ReadonlyMap<string, readonly StepEnv[]>;
  /** Event type name → class: declared and built-in events, for reviving serialized events. */
  readonly events: ReadonlyMap<string, EventClass>;
  /** Memo of `classInfo`, keyed by class identity (cheaper than reading statics per event). */
  readonly classes: Map<Function, ClassInfo>;
}

const NO_STEPS: readonly StepEnv[] = Object.freeze([]);

/** The routing facts of an event's class. */
export function classInfo(env: RunEnv, cls: EventClass): ClassInfo {
  let info = env.classes.get(cls);
  if (info === undefined) {
    const { typeName, kind, schema } = cls;
    info = { typeName, kind, schema, fillsIn: fillsIn(schema), recipients: env.routes.get(typeName) ?? NO_STEPS };
    env.classes.set(cls, info);
  }
  return info;
}

function stepEnv(def: StepDefinition, index: number): StepEnv {
  if (!Number.isInteger(def.workers) || def.workers < 1) {
    throw new TypeError(`Step "${def.name}": workers must be an integer >= 1, got ${def.workers}`);
  }
  const retry = def.retry ?? NO_RETRY;
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) {
    throw new TypeError(`Step "${def.name}": retry.attempts must be an integer >= 1`);
  }
  return {
    index,
    name: def.name,
    method: def.method,
    accepts: new Set(def.accepts.map((c) => c.typeName)),
    emits: new Set(def.emits.map((c) => c.typeName)),
    workers: def.workers,
    retry,
    timeout: def.timeout ?? null,
    resources: def.resources,
  };
}

/**
 * Builds the routing tables; throws a `TypeError` on a definition no emitter should produce
 * (duplicate names, two classes sharing a type name).
 */
export function buildRunEnv(definition: WorkflowDefinition): RunEnv {
  const steps = definition.steps.map(stepEnv);
  const byName = new Map<string, StepEnv>();
  for (const step of steps) {
    for (const key of new Set([step.name, step.method])) {
      if (byName.has(key)) throw new TypeError(`Workflow "${definition.name}": two steps are named "${key}"`);
      byName.set(key, step);
    }
  }
  const routes = new Map<string, StepEnv[]>();
  for (const step of steps) {
    for (const typeName of step.accepts) {
      const list = routes.get(typeName);
      if (list) list.push(step);
      else routes.set(typeName, [step]);
    }
  }
  const events = new Map<string, EventClass>();
  const all = [...BUILT_IN_EVENTS, definition.startEvent, ...definition.events, ...definition.steps.flatMap((s) => [...s.accepts, ...s.emits])];
  for (const cls of all) {
    const known = events.get(cls.typeName);
    if (known && known !== cls) {
      throw new TypeError(`Workflow "${definition.name}": two event classes share the type name "${cls.typeName}"`);
    }
    events.set(cls.typeName, cls);
  }
  return { workflow: definition.name, steps, byName, routes, events, classes: new Map() };
}
