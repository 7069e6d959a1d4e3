// Verdicts on each event a step names, judged by its kind and by who else names it:
// `routed-stream-event`, `accepts-stop-event`, `unproduced-event`, `unconsumed-event`,
// `wrong-start-event` (the built-in StartEvent accepted where the spec starts with its own event) and
// `no-human-response-step` (a step asks a person, but no step takes the answer).
// Also says which steps already have an error in their `accepts` or `emits`, so the reachability
// checks do not repeat the same mistake as `unreachable-step` or `dead-end-step`.

import { diagnostic, type Diagnostic, type DiagnosticCode, type Span } from "../diagnostics.js";
import type { SpecModel } from "../model.js";
import { quote, quoteList } from "../text.js";
import { isDeclared, type EventTable } from "../graph/event-table.js";

export interface RoutingResult {
  diagnostics: Diagnostic[];
  /** Steps every one of whose accepted events is already an error (unknown, stream, stop, never emitted). */
  stepsWithBrokenAccepts: ReadonlySet<number>;
  /** Steps with at least one emitted event that is already an error (unknown, stream, never accepted). */
  stepsWithBrokenEmits: ReadonlySet<number>;
}

interface Mention {
  step: string;
  span: Span;
}

export function checkRouting(model: SpecModel, events: EventTable, file?: string): RoutingResult {
  const emitters = mentions(model, events, "emits");
  const acceptors = mentions(model, events, "accepts");
  const diagnostics: Diagnostic[] = [];
  const report = (code: DiagnosticCode, message: string, span: Span) => diagnostics.push(diagnostic(code, message, span, file));
  const stepsWithBrokenAccepts = new Set<number>();
  const stepsWithBrokenEmits = new Set<number>();

  const declaredNames = new Set(model.events.filter(isDeclared).map((event) => event.name));
  // A person's answer reaches the steps that accept a `human_response` event; without one, nobody does.
  const answered = [...acceptors.keys()].some((name) => events.kindOf.get(name) === "human_response");

  model.steps.forEach((step, index) => {
    const who = `step ${quote(step.name)}`;
    let brokenAccepts = 0;
    for (const ref of step.accepts) {
      const name = events.resolve(ref.name);
      const kind = name === undefined ? undefined : events.kindOf.get(name);
      const known = name === ref.name; // misspelled names are reported as unknown-event only
      // An `input_required` event is routed like any other: a step waiting for one nobody emits waits forever.
      const unproduced = (kind === "event" || kind === "stop" || kind === "input_required") && !emitters.has(name!);
      // Only the run's own start event ever occurs; the built-in StartEvent is not it when the spec declares one.
      const otherStart = kind === "start" && name !== model.startEvent && !declaredNames.has(name!);
      if (known && kind === "stream") report("routed-stream-event", `${who} accepts stream event ${quote(name)}: stream events are only written to the stream, never routed`, ref.span);
      if (known && kind === "stop") report("accepts-stop-event", `${who} accepts stop event ${quote(name)}: a stop event ends the run, so no step can receive it`, ref.span);
      if (known && unproduced) report("unproduced-event", `${who} accepts event ${quote(name)}, which no step emits`, ref.span);
      if (known && otherStart) {
        const message = `${who} accepts ${quote(name)}, but this workflow starts with ${quote(model.startEvent)}: ${quote(name)} never occurs, so the step never runs`;
        report("wrong-start-event", message, ref.span);
      }
      if (kind === undefined || kind === "stream" || kind === "stop" || unproduced || otherStart) brokenAccepts++;
    }
    if (step.accepts.length > 0 && brokenAccepts === step.accepts.length) stepsWithBrokenAccepts.add(index);

    for (const ref of step.emits) {
      const name = events.resolve(ref.name);
      const kind = name === undefined ? undefined : events.kindOf.get(name);
      if (name === ref.name && kind === "stream") {
        report("routed-stream-event", `${who} emits stream event ${quote(name)}: write it with ctx.writeEventToStream, do not list it in emits`, ref.span);
      }
      const unanswered = kind === "input_required" && !answered;
      if (kind === undefined || kind === "stream" || (kind === "event" && !acceptors.has(name!)) || unanswered) stepsWithBrokenEmits.add(index);
    }
  });

  // One error per unconsumed event, at its first mention, naming every step that emits it.
  for (const [name, list] of emitters) {
    if (events.kindOf.get(name) !== "event" || acceptors.has(name)) continue;
    const steps = [...new Set(list.map((mention) => mention.step))];
    const message = `event ${quote(name)} is emitted by ${steps.length > 1 ? "steps" : "step"} ${quoteList(steps)} but no step accepts it`;
    report("unconsumed-event", message, firstSpan(list));
  }
  // One error per question nobody can answer, at its first mention, naming every step that asks it.
  for (const [name, list] of emitters) {
    if (events.kindOf.get(name) !== "input_required" || answered) continue;
    const steps = [...new Set(list.map((mention) => mention.step))];
    const message = `${steps.length > 1 ? "steps" : "step"} ${quoteList(steps)} ${steps.length > 1 ? "ask" : "asks"} a person with ${quote(name)}, but no step accepts a human_response event, so the answer has nowhere to go and the run waits forever`;
    report("no-human-response-step", message, firstSpan(list));
  }
  return { diagnostics, stepsWithBrokenAccepts, stepsWithBrokenEmits };
}

/** Resolved event name → every mention of it in the steps' `accepts` (or `emits`), in spec order. */
function mentions(model: SpecModel, events: EventTable, list: "accepts" | "emits"): Map<string, Mention[]> {
  const map = new Map<string, Mention[]>();
  for (const step of model.steps) {
    for (const ref of step[list]) {
      const name = events.resolve(ref.name);
      if (name === undefined) continue;
      const found = map.get(name);
      if (found) found.push({ step: step.name, span: ref.span });
      else map.set(name, [{ step: step.name, span: ref.span }]);
    }
  }
  return map;
}

function firstSpan(list: readonly Mention[]): Span {
  return list.reduce((a, b) => (b.span.line < a.span.line || (b.span.line === a.span.line && b.span.column < a.span.column) ? b : a)).span;
}
