// Random event graphs (valid or not, mostly not) and an independent reference verdict for them,
// written from DESIGN.md's table ("What the compiler checks") rather than from compiler/checks/.
//
// The reference, in words:
//   - edges: a step → each event it emits; an event → each step that accepts it (a stop event leads
//     nowhere: the run ends); an input_required event → every human_response event (a person answers);
//     stream events are never routed;
//   - roots: the start event (the first declared `kind: start` event, else StartEvent), and any other
//     declared start event (`multiple-start-events`, but still an entry point);
//   - no step accepts the start event → `no-start-step`, and nothing about reachability;
//   - a step no root reaches → `unreachable-step`, unless every event it accepts is already an error
//     (stream, stop, an event/stop/input_required no step emits, or StartEvent when it is not the
//     start event): that error explains it;
//   - no stop event is reached → `no-stop-path`, and no dead ends;
//   - a reached step with no path to a stop event → `dead-end-step`, unless one of its emits is already
//     an error (a stream event, an `event` nobody accepts, or an input_required nobody can answer);
//   - per mention: accepting a stream event or emitting one → `routed-stream-event`, accepting a stop
//     event → `accepts-stop-event`, accepting an event/stop/input_required event no step emits →
//     `unproduced-event`, accepting StartEvent when the spec declares its own start event →
//     `wrong-start-event` (it never occurs);
//   - per event: an `event` emitted but never accepted → `unconsumed-event`, at its first emitter; an
//     `input_required` event emitted when no step accepts any human_response event →
//     `no-human-response-step`, at its first emitter;
//   - a declared event no step names, not a stream and not the start event → `unused-event`.

import fc from "fast-check";

export type Kind = "start" | "stop" | "input_required" | "human_response" | "stream" | "event";

export const BUILTINS: Readonly<Record<string, Kind>> = {
  StartEvent: "start",
  StopEvent: "stop",
  InputRequiredEvent: "input_required",
  HumanResponseEvent: "human_response",
};

export interface GraphStep {
  name: string;
  accepts: string[];
  emits: string[];
}

export interface RandomGraph {
  workflow: string;
  /** Declared events, in declaration order. */
  events: { name: string; kind: Kind }[];
  steps: GraphStep[];
  yaml: string;
}

const KINDS: fc.Arbitrary<Kind> = fc.oneof(
  { arbitrary: fc.constant("event" as const), weight: 12 },
  { arbitrary: fc.constant("stop" as const), weight: 3 },
  { arbitrary: fc.constant("input_required" as const), weight: 1 },
  { arbitrary: fc.constant("human_response" as const), weight: 1 },
  { arbitrary: fc.constant("stream" as const), weight: 1 },
  { arbitrary: fc.constant("start" as const), weight: 1 },
);

/** Mostly broken graphs; a third start as a valid chain (start → s0 → E0 → s1 → ... → stop) with up
 * to two random edits, so valid and nearly valid graphs are common too. */
export function randomGraph(): fc.Arbitrary<RandomGraph> {
  return fc.gen().map((g) => {
    const chain = g(fc.integer, { min: 0, max: 2 }) === 0;
    const stepCount = g(fc.integer, { min: 1, max: 7 });
    const kinds = chain
      ? Array.from({ length: stepCount }, (_, i): Kind => (i === stepCount - 1 ? "stop" : "event"))
      : g(fc.array, KINDS, { minLength: 0, maxLength: 7 });
    const events = kinds.map((kind, i) => ({ name: `E${i}`, kind }));
    const start = events.find((event) => event.kind === "start")?.name ?? "StartEvent";
    const pool = [...events.map((event) => event.name), ...Object.keys(BUILTINS)];
    const pick: fc.Arbitrary<string> = fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 4 }, { arbitrary: fc.constant(start), weight: 1 });
    const steps: GraphStep[] = Array.from({ length: stepCount }, (_, i) => ({
      name: i % 2 === 0 ? `s${i}_step` : `step${i}Go`,
      accepts: chain ? [i === 0 ? start : `E${i - 1}`] : g(() => fc.uniqueArray(pick, { minLength: 1, maxLength: 2 })),
      emits: chain ? [`E${i}`] : g(() => fc.uniqueArray(pick, { minLength: 0, maxLength: 3 })),
    }));
    if (chain) {
      const edits = g(fc.integer, { min: 0, max: 2 });
      for (let k = 0; k < edits; k++) {
        const step = steps[g(fc.integer, { min: 0, max: stepCount - 1 })]!;
        const name = g(() => pick);
        switch (g(fc.integer, { min: 0, max: 3 })) {
          case 0:
            if (!step.accepts.includes(name)) step.accepts.push(name);
            break;
          case 1:
            if (!step.emits.includes(name)) step.emits.push(name);
            break;
          case 2:
            step.emits.pop();
            break;
          default:
            events[g(fc.integer, { min: 0, max: events.length - 1 })]!.kind = g(() => KINDS);
        }
      }
    }
    const styles = steps.map(() => g(fc.constantFrom, "flow", "block", "scalar"));
    return { workflow: "Graph", events, steps, yaml: render("Graph", events, steps, styles) };
  });
}

function render(workflow: string, events: RandomGraph["events"], steps: GraphStep[], styles: string[]): string {
  const lines = ["flowspec: 1", `workflow: ${workflow}`];
  if (events.length > 0) {
    lines.push("events:");
    for (const event of events) lines.push(`  ${event.name}:`, `    kind: ${event.kind}`);
  }
  lines.push("steps:");
  steps.forEach((step, i) => {
    lines.push(`  ${step.name}:`);
    for (const key of ["accepts", "emits"] as const) {
      const names = step[key];
      if (names.length === 0) continue;
      const style = styles[i] === "scalar" && names.length > 1 ? "flow" : styles[i];
      if (style === "scalar") lines.push(`    ${key}: ${names[0]}`);
      else if (style === "flow") lines.push(`    ${key}: [${names.join(", ")}]`);
      else lines.push(`    ${key}:`, ...names.map((name) => `      - ${name}`));
    }
  });
  return `${lines.join("\n")}\n`;
}

/** The reference verdict: a set of `code:name` keys (`name` is `step/event` for a mention in a step). */
export function referenceVerdict(graph: RandomGraph): Set<string> {
  const verdict = new Set<string>();
  const kindOf = new Map<string, Kind>(Object.entries(BUILTINS));
  for (const event of graph.events) kindOf.set(event.name, event.kind);
  const kind = (name: string) => kindOf.get(name)!;
  const emitted = new Set(graph.steps.flatMap((step) => step.emits));
  const accepted = new Set(graph.steps.flatMap((step) => step.accepts));
  const declaredStarts = graph.events.filter((event) => event.kind === "start").map((event) => event.name);
  const start = declaredStarts[0] ?? "StartEvent";

  for (const extra of declaredStarts.slice(1)) verdict.add(`multiple-start-events:${extra}`);

  // Per mention.
  const isUnproduced = (name: string) => ["event", "stop", "input_required"].includes(kind(name)) && !emitted.has(name);
  const isOtherStart = (name: string) => name === "StartEvent" && start !== "StartEvent";
  const answered = [...accepted].some((name) => kind(name) === "human_response");
  for (const step of graph.steps) {
    for (const name of step.accepts) {
      if (kind(name) === "stream") verdict.add(`routed-stream-event:${step.name}/${name}`);
      if (kind(name) === "stop") verdict.add(`accepts-stop-event:${step.name}/${name}`);
      if (isUnproduced(name)) verdict.add(`unproduced-event:${step.name}/${name}`);
      if (isOtherStart(name)) verdict.add(`wrong-start-event:${step.name}/${name}`);
    }
    for (const name of step.emits) if (kind(name) === "stream") verdict.add(`routed-stream-event:${step.name}/${name}`);
  }
  // Per event.
  for (const name of new Set(graph.steps.flatMap((step) => step.emits))) {
    if (kind(name) !== "event" || accepted.has(name)) continue;
    const first = graph.steps.find((step) => step.emits.includes(name))!;
    verdict.add(`unconsumed-event:${first.name}/${name}`);
  }
  for (const name of new Set(graph.steps.flatMap((step) => step.emits))) {
    if (kind(name) !== "input_required" || answered) continue;
    const first = graph.steps.find((step) => step.emits.includes(name))!;
    verdict.add(`no-human-response-step:${first.name}/${name}`);
  }
  for (const event of graph.events) {
    if (event.kind === "stream" || event.name === start || emitted.has(event.name) || accepted.has(event.name)) continue;
    verdict.add(`unused-event:${event.name}`);
  }

  // Reachability.
  if (!graph.steps.some((step) => step.accepts.includes(start))) {
    let where: string = graph.workflow;
    if (graph.events.some((event) => event.name === start)) where = start;
    else {
      const mention = graph.steps.find((step) => step.emits.includes(start));
      if (mention) where = `${mention.name}/${start}`;
    }
    verdict.add(`no-start-step:${where}`);
    return verdict;
  }
  const next = (node: string): string[] => {
    if (node.startsWith("step:")) {
      const step = graph.steps.find((s) => `step:${s.name}` === node)!;
      return step.emits.filter((name) => kind(name) !== "stream").map((name) => `event:${name}`);
    }
    const name = node.slice("event:".length);
    if (kind(name) === "stop") return [];
    const out = graph.steps.filter((step) => step.accepts.includes(name)).map((step) => `step:${step.name}`);
    if (kind(name) === "input_required") for (const [other, k] of kindOf) if (k === "human_response") out.push(`event:${other}`);
    return out;
  };
  const reach = (from: string[]): Set<string> => {
    const seen = new Set(from);
    const queue = [...from];
    while (queue.length > 0) for (const node of next(queue.shift()!)) if (!seen.has(node)) (seen.add(node), queue.push(node));
    return seen;
  };
  const reached = reach([start, ...declaredStarts].map((name) => `event:${name}`));
  const isStop = (node: string) => node.startsWith("event:") && kind(node.slice(6)) === "stop";

  for (const step of graph.steps) {
    if (reached.has(`step:${step.name}`)) continue;
    const everyAcceptBroken = step.accepts.every((name) => kind(name) === "stream" || kind(name) === "stop" || isUnproduced(name) || isOtherStart(name));
    if (!everyAcceptBroken) verdict.add(`unreachable-step:${step.name}`);
  }
  if (![...reached].some(isStop)) {
    verdict.add(`no-stop-path:${graph.workflow}`);
    return verdict;
  }
  for (const step of graph.steps) {
    if (!reached.has(`step:${step.name}`)) continue;
    if ([...reach([`step:${step.name}`])].some(isStop)) continue;
    const someEmitBroken = step.emits.some(
      (name) => kind(name) === "stream" || (kind(name) === "event" && !accepted.has(name)) || (kind(name) === "input_required" && !answered),
    );
    if (!someEmitBroken) verdict.add(`dead-end-step:${step.name}`);
  }
  return verdict;
}

/**
 * The checker's verdict in the same terms: each diagnostic's code, and the name its position points
 * at (the identifier there), prefixed by the enclosing step's key when it points inside a step.
 */
export function checkerVerdict(source: string, diagnostics: readonly { code: string; line: number; column: number }[]): Set<string> {
  const lines = source.split("\n");
  const stepsLine = lines.indexOf("steps:") + 1;
  const stepKeyAt = (line: number): { key: string; line: number } | undefined => {
    for (let l = line; l > stepsLine; l--) {
      const match = /^ {2}([A-Za-z0-9_]+):/.exec(lines[l - 1]!);
      if (match) return { key: match[1]!, line: l };
    }
    return undefined;
  };
  return new Set(
    diagnostics.map((d) => {
      const token = /^[A-Za-z0-9_]+/.exec(lines[d.line - 1]!.slice(d.column - 1))?.[0] ?? `?${d.line}:${d.column}`;
      const step = d.line > stepsLine ? stepKeyAt(d.line) : undefined;
      return `${d.code}:${step && step.line !== d.line ? `${step.key}/` : ""}${token}`;
    }),
  );
}
