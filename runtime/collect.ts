// `collectEvents` decisions. Planning is pure: it reads a step's buffer and says what to add and
// what to consume; the plan then travels as a `collected` tick, so a replay applies the same
// decision instead of re-deciding it.

import { eventClassOf, type Event, type EventClass } from "./event.js";
import type { CollectEntry, StepState } from "./run-state.js";

const NOTHING: readonly number[] = Object.freeze([]);

/** What one `collectEvents` call does to the buffer, and what it returns. */
export interface CollectPlan {
  /** Entry to buffer, or null when the event is already buffered (a retried attempt). */
  readonly add: CollectEntry | null;
  /** Seqs consumed, in requested order. */
  readonly take: readonly number[];
  /** The events in requested order, or null when some are still missing. */
  readonly result: Event[] | null;
}

/**
 * Plans `collectEvents(ev, types)` against a step's buffer. `seq` is the delivery seq of `ev`
 * (or a fresh one for an event that was never delivered). Events are matched by type name, the
 * oldest buffered event of a type first. Unsatisfiable requests answer in O(1) or O(types).
 *
 * @example
 * ```ts
 * const plan = planCollect(stepState, ev, 7, [AReady, BReady]); // plan.result: [a, b] or null
 * ```
 */
export function planCollect(st: StepState, ev: Event, seq: number, types: readonly EventClass[]): CollectPlan {
  const add = st.buffer.has(seq) ? null : { seq, event: ev };
  const size = st.buffer.size + (add === null ? 0 : 1);
  if (size < types.length) return { add, take: NOTHING, result: null };

  const evType = eventClassOf(ev).typeName;
  const need = new Map<string, number>();
  for (const t of types) need.set(t.typeName, (need.get(t.typeName) ?? 0) + 1);
  for (const [name, n] of need) {
    const have = (st.counts.get(name) ?? 0) + (add !== null && name === evType ? 1 : 0);
    if (have < n) return { add, take: NOTHING, result: null };
  }

  // Every requested type is available: pick the oldest entries of each, in arrival order.
  const pools = new Map<string, CollectEntry[]>();
  for (const name of need.keys()) pools.set(name, []);
  for (const [entrySeq, event] of st.buffer) pools.get(eventClassOf(event).typeName)?.push({ seq: entrySeq, event });
  if (add !== null) pools.get(evType)?.push(add);
  const cursors = new Map<string, number>();
  const result: Event[] = [];
  const take: number[] = [];
  for (const t of types) {
    const i = cursors.get(t.typeName) ?? 0;
    cursors.set(t.typeName, i + 1);
    const entry = pools.get(t.typeName)![i]!;
    result.push(entry.event);
    take.push(entry.seq);
  }
  return { add, take, result };
}
