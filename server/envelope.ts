// The wire form of an event, as LlamaIndex's workflow server writes it:
//   { "value": {…fields}, "qualified_name": "JokeFlow.JokeWritten", "type": "JokeWritten", "types": ["StopEvent"] | null }
// `types` carries the reference's base-class names that clients match on (StopEvent,
// InputRequiredEvent, HumanResponseEvent, StartEvent); a built-in event has none (null).
// Also the terminal events the reference streams when a run fails, is cancelled or times out.

import type { Event, EventClass, EventKind } from "../runtime/index.js";

/** One event on the wire. */
export interface Envelope {
  readonly value: unknown;
  readonly qualified_name: string | null;
  readonly type: string;
  readonly types: readonly string[] | null;
}

const BASE_OF_KIND: Partial<Record<EventKind, string>> = {
  start: "StartEvent",
  stop: "StopEvent",
  input_required: "InputRequiredEvent",
  human_response: "HumanResponseEvent",
};

/** The reference's module for its built-in events; `/results` unwraps `result` on exactly `workflows.events.StopEvent`. */
export const BUILT_IN_MODULE = "workflows.events";

/** True for the runtime's own event classes (StartEvent, StopEvent, InputRequiredEvent, HumanResponseEvent). */
export function isBuiltIn(cls: EventClass): boolean {
  return BASE_OF_KIND[cls.kind] === cls.typeName;
}

/** `["StopEvent"]` for a custom stop event, null for the built-in one and for plain events. */
export function typesOf(cls: EventClass): string[] | null {
  const base = BASE_OF_KIND[cls.kind];
  return base !== undefined && base !== cls.typeName ? [base] : null;
}

/** `workflows.events.StopEvent` for built-ins (what clients compare with), `<Workflow>.<Event>` for the spec's own. */
export function qualifiedNameOf(workflow: string, cls: EventClass): string {
  return isBuiltIn(cls) ? `${BUILT_IN_MODULE}.${cls.typeName}` : `${workflow}.${cls.typeName}`;
}

/** The envelope of an event instance of `workflow`. */
export function envelopeOf(workflow: string, ev: Event): Envelope {
  const cls = ev.constructor as EventClass;
  return { value: ev.toJSON(), qualified_name: qualifiedNameOf(workflow, cls), type: cls.typeName, types: typesOf(cls) };
}

/** Whether an envelope ends a stream: its type or one of its base types is StopEvent. */
export function isTerminal(env: Envelope): boolean {
  return env.type === "StopEvent" || (env.types?.includes("StopEvent") ?? false);
}

function terminal(type: string, value: unknown): Envelope {
  return { value, qualified_name: `${BUILT_IN_MODULE}.${type}`, type, types: ["StopEvent"] };
}

/** What a run that ended in error streams last, chosen by the error's name (the runtime's error classes). */
export function endOfRunEnvelope(error: unknown, startedAt: number, now: number): Envelope {
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.name === "WorkflowCancelledError") return terminal("WorkflowCancelledEvent", {});
  if (err.name === "WorkflowTimeoutError") {
    const t = err as Error & { timeout?: number; activeSteps?: readonly string[] };
    return terminal("WorkflowTimedOutEvent", { timeout: t.timeout ?? null, active_steps: [...(t.activeSteps ?? [])] });
  }
  const cause = (err as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause : err;
  return terminal("WorkflowFailedEvent", {
    step_name: (err as { step?: string }).step ?? null,
    exception: { exception_type: inner.name, exception_message: inner.message },
    attempts: null,
    elapsed_seconds: (now - startedAt) / 1000,
  });
}

/** The handler's `error` text for a run that ended in error: the failing step's own message when there is one. */
export function errorText(error: unknown): string {
  const err = error instanceof Error ? error : new Error(String(error));
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : err.message;
}
