// Reads a DurableFlow run back from a journal for the tests: which deliveries (by key) have a
// journaled outcome, by replaying the ticks through the reducer.

import { buildRunEnv, createRunState, decodeTick, parseEntry, reduce, type Event, type Journal } from "flowspec/runtime";
import { DurableFlowBase } from "../../../generated/durable.js";

/** The side-effect key of a delivery: what `DurableFlow`'s steps pass to `probe.effect`. */
export function keyOf(step: string, ev: Event): string {
  const f = ev as unknown as { round?: number; part?: number };
  switch (step) {
    case "begin":
      return "begin";
    case "fan_out":
    case "next_round":
      return `${step}:${f.round}`;
    default:
      return `${step}:${f.round}.${f.part}`;
  }
}

/** Keys of the deliveries whose outcome (`attempt_succeeded`) the journal holds. */
export function journaledOutcomes(journal: Journal, runId: string): Set<string> {
  const env = buildRunEnv(DurableFlowBase.definition);
  const state = createRunState(env.steps.length, { round: 0, totals: [] });
  const keys = new Set<string>();
  for (const stored of journal.read(runId, { kind: "tick" })) {
    const entry = parseEntry(stored);
    if (entry.kind !== "tick") continue;
    const tick = decodeTick(entry.tick, env, state.state);
    if (tick.type === "attempt_succeeded") {
      const step = env.byName.get(tick.step)!;
      const d = state.steps[step.index]!.active.find((a) => a.seq === tick.seq);
      if (d === undefined) throw new Error(`journal: attempt_succeeded for an unknown delivery ${tick.step}#${tick.seq}`);
      keys.add(keyOf(tick.step, d.event));
    }
    reduce(state, tick, env);
  }
  return keys;
}

/** Side-effect counts per key from the effects file (`<gen> <step> <key>` lines). */
export function effectCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const key = line.split(" ")[2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
