// The routing metadata a generated `<Workflow>Base` hands to the runtime, so the runtime needs no
// reflection. Generated code builds one `WorkflowDefinition` literal per workflow.

import type { ZodType } from "zod";
import type { Event, EventClass } from "./event.js";
import type { FieldShapes } from "./shape.js";

export interface RetryPolicy {
  /** Total attempts, >= 1. */
  readonly attempts: number;
  /** Seconds before the first retry. */
  readonly delay: number;
  /** Factor applied to the delay after each retry: retry k waits delay * backoff^(k-1). */
  readonly backoff: number;
}

export interface StepDefinition {
  /** The step's name as the spec writes it (`generate_joke`). */
  readonly name: string;
  /** The abstract method on the generated base class (`generateJoke`). */
  readonly method: string;
  /** Event classes this step accepts (a union when more than one). */
  readonly accepts: readonly EventClass[];
  /** Event classes this step may return or send. */
  readonly emits: readonly EventClass[];
  /** Resource names passed to the step, in spec order. */
  readonly resources: readonly string[];
  /** Max concurrent invocations, >= 1. */
  readonly workers: number;
  readonly retry?: RetryPolicy;
  /** Seconds per attempt; undefined or null: none. */
  readonly timeout?: number | null;
}

export interface ResourceDefinition<T = unknown> {
  /** The spec's `factory`: sync or async, no arguments. */
  readonly factory: () => T | Promise<T>;
  /** true: one instance per run, shared by steps; false: one per step call. */
  readonly cache: boolean;
}

export interface WorkflowDefinition {
  /** The spec's `workflow` name. */
  readonly name: string;
  /** Seconds for a whole run; undefined: 45; null: none. Construction options override it. */
  readonly timeout?: number | null;
  /** The single start event class. */
  readonly startEvent: EventClass;
  /** Every event class the workflow knows (declared and built-in), by stable `typeName`: used to
   * revive serialized events. */
  readonly events: readonly EventClass[];
  readonly steps: readonly StepDefinition[];
  readonly resources: Readonly<Record<string, ResourceDefinition>>;
  /** zod schema of the typed state, with its defaults; absent when the spec has no state. */
  readonly state?: ZodType;
  /**
   * The spec's field shapes (events, named types, state), journaled with each run so a later
   * version of the spec can tell whether it can resume it (see docs/deploying.md). Generated code
   * always sets it; without it a run can only be resumed by the identical version.
   */
  readonly fields?: FieldShapes;
}

/** The instance type of each class in a tuple of event classes. */
export type InstancesOf<T extends readonly EventClass[]> = { [K in keyof T]: T[K] extends EventClass<infer E> ? E : never };

export type { Event };
