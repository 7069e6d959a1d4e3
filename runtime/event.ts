// Events: the base class every generated event extends, and the four built-ins.
//
// An event class carries three statics the runtime reads instead of reflecting on code:
// `typeName` (stable identity for routing and serialization, never derived from load order),
// `kind` (what the runtime does with it) and `schema` (zod, checked on every emission).

import { z, type ZodType } from "zod";

/** What the runtime does with an event of this class. */
export type EventKind = "start" | "stop" | "input_required" | "human_response" | "stream" | "event";

/**
 * The constructor side of an event class, as the runtime sees it.
 *
 * @example
 * ```ts
 * const classes: EventClass[] = [StartEvent, StopEvent];
 * ```
 */
export interface EventClass<E extends Event = Event> {
  new (data: any): E;
  /** Stable name used for routing, serialized contexts and journals. */
  readonly typeName: string;
  readonly kind: EventKind;
  /** zod schema of the event's fields. */
  readonly schema: ZodType;
}

/**
 * Base class of every event. Subclasses declare their fields as own properties and override the
 * three statics.
 *
 * @example
 * ```ts
 * class JokeWritten extends Event {
 *   static override readonly typeName = "JokeWritten";
 *   static override readonly kind = "event";
 *   static override readonly schema = z.object({ joke: z.string() });
 *   declare private readonly __brand: "JokeWritten";
 *   readonly joke: string;
 *   constructor(data: { joke: string }) { super(); this.joke = data.joke; }
 * }
 * new JokeWritten({ joke: "…" }).toJSON(); // { joke: "…" }
 * ```
 */
export class Event {
  static readonly typeName: string = "Event";
  static readonly kind: EventKind = "event";
  static readonly schema: ZodType = z.object({});

  /** The event's fields, as a plain object (its own enumerable properties). */
  toJSON(): Record<string, unknown> {
    return { ...(this as object) } as Record<string, unknown>;
  }
}

/** The class of an event instance. */
export function eventClassOf(ev: Event): EventClass {
  return ev.constructor as EventClass;
}

/**
 * The start event used when a spec declares none. It has no fields.
 *
 * @example
 * ```ts
 * flow.run(); // starts with a StartEvent
 * ```
 */
export class StartEvent extends Event {
  static override readonly typeName: string = "StartEvent";
  static override readonly kind: EventKind = "start";
  static override readonly schema: ZodType = z.object({});
  declare private readonly __brand: "StartEvent";
  constructor(_data?: Record<string, never>) {
    super();
  }
}

/**
 * The built-in stop event. A run ending with it resolves to its `result`.
 *
 * @example
 * ```ts
 * return new StopEvent({ result: "done" });
 * ```
 */
export class StopEvent<T = unknown> extends Event {
  static override readonly typeName: string = "StopEvent";
  static override readonly kind: EventKind = "stop";
  static override readonly schema: ZodType = z.object({ result: z.unknown() });
  declare private readonly __brand: "StopEvent";
  readonly result: T;
  constructor(data: { result?: T } = {}) {
    super();
    // Always an own property, so it serializes and validates even when undefined.
    this.result = data.result as T;
  }
}

/**
 * Asks a human for input. Written to the stream automatically when a step returns or sends it.
 *
 * @example
 * ```ts
 * return new InputRequiredEvent({ prefix: "Enter a number: " });
 * ```
 */
export class InputRequiredEvent extends Event {
  static override readonly typeName: string = "InputRequiredEvent";
  static override readonly kind: EventKind = "input_required";
  static override readonly schema: ZodType = z.object({ prefix: z.string() });
  declare private readonly __brand: "InputRequiredEvent";
  readonly prefix: string;
  constructor(data: { prefix: string }) {
    super();
    this.prefix = data.prefix;
  }
}

/**
 * A human's answer, usually sent from outside the run with `handler.ctx.sendEvent`.
 *
 * @example
 * ```ts
 * handler.ctx.sendEvent(new HumanResponseEvent({ response: "42" }));
 * ```
 */
export class HumanResponseEvent extends Event {
  static override readonly typeName: string = "HumanResponseEvent";
  static override readonly kind: EventKind = "human_response";
  static override readonly schema: ZodType = z.object({ response: z.string() });
  declare private readonly __brand: "HumanResponseEvent";
  readonly response: string;
  constructor(data: { response: string }) {
    super();
    this.response = data.response;
  }
}

/** The built-in event classes, known to every workflow. */
export const BUILT_IN_EVENTS: readonly EventClass[] = [StartEvent, StopEvent, InputRequiredEvent, HumanResponseEvent];
