// Output: the types in a step's signature, e.g. for generate_joke
//   ev: JokeRequested   ctx: StepContext<JokeFlowState, JokeWritten, JokeProgress>   resources: { llm: Llm }
//   returns Promise<JokeWritten | void>

import type { StepModel } from "../model.js";
import { runtime, type EmitContext } from "./context.js";
import { propertyName } from "./escape.js";
import { eventRef, resourceOf, resourceType } from "./refs.js";
import { stateType } from "./state.js";
import { MAX_LINE, writeDoc, type SourceWriter } from "./writer.js";

export interface StepSignature {
  /** The accepted event, or a union of them. */
  event: string;
  /** The union of emitted events, `never` when the step emits nothing. */
  emits: string;
  /** `{ llm: Llm }`, or undefined when the step takes no resources (no third parameter). */
  resources?: string;
  ctx: string;
  returns: string;
}

/** Computed once per step (the base class and the step types both need it), kept in the context. */
export function stepSignature(ctx: EmitContext, step: StepModel): StepSignature {
  let signature = ctx.signatures.get(step);
  if (!signature) ctx.signatures.set(step, (signature = computeSignature(ctx, step)));
  return signature;
}

function computeSignature(ctx: EmitContext, step: StepModel): StepSignature {
  const event = union(step.accepts.map((ref) => eventRef(ctx, ref, true)), "never");
  const emitted = step.emits.map((ref) => eventRef(ctx, ref, true));
  const emits = union(emitted, "never");
  const resources =
    step.resources.length === 0
      ? undefined
      : `{ ${step.resources.map((ref) => `${propertyName(ref.name)}: ${resourceType(ctx, resourceOf(ctx, ref))}`).join("; ")} }`;
  return {
    event,
    emits,
    ...(resources === undefined ? {} : { resources }),
    ctx: `${runtime(ctx, "StepContext", true)}<${stateType(ctx)}, ${emits}, ${streamableType(ctx)}>`,
    returns: `Promise<${union([...emitted, "void"], "void")}>`,
  };
}

/** What `writeEventToStream` takes: the module's `<W>Streamable` type (see `writeStreamable`). */
export function streamableType(ctx: EmitContext): string {
  return ctx.names.streamable;
}

/**
 * The events a step may write to the stream: the workflow's own events but its start and stop
 * events (the reference streams routed events too, as its loop example does).
 */
export function streamableEvents(ctx: EmitContext): string[] {
  const streamable = ctx.model.events.filter((event) => event.kind !== "start" && event.kind !== "stop");
  return [...new Set(streamable.map((event) => eventRef(ctx, event.name, true)))];
}

/** What the run's stream yields: the streamable events, then one of the stop events the steps emit. */
export function streamedType(ctx: EmitContext): string {
  const stops = ctx.model.steps.flatMap((step) => step.emits.filter((ref) => ctx.events.get(ref.name)?.kind === "stop").map((ref) => eventRef(ctx, ref, true)));
  return union([...(streamableEvents(ctx).length > 0 ? [streamableType(ctx)] : []), ...stops], "never");
}

function union(members: readonly string[], empty: string): string {
  const unique = [...new Set(members)];
  return unique.length === 0 ? empty : unique.join(" | ");
}

/** `export type JokeFlowStreamable = JokeWritten | JokeProgress;` (one member a line when long), named once so step contexts stay short. */
export function writeStreamable(ctx: EmitContext, w: SourceWriter): void {
  const members = streamableEvents(ctx);
  writeDoc(w, { notes: ["The events a step may write to the run's stream: the workflow's own events but its start and stop events."] });
  const oneLine = `export type ${ctx.names.streamable} = ${members.length === 0 ? "never" : members.join(" | ")};`;
  if (oneLine.length <= MAX_LINE) {
    w.writeLine(oneLine);
    return;
  }
  w.writeLine(`export type ${ctx.names.streamable} =`);
  w.indent(() => members.forEach((member, i) => w.writeLine(`| ${member}${i === members.length - 1 ? ";" : ""}`)));
}
