// Rebuilding a journaled run: the latest snapshot, then the ticks after it through the reducer
// (commands ignored: replay starts nothing), plus what the run's stream carried.
//
// A run journaled by another version of the workflow (a deploy) is replayed under the routing it
// was journaled with, rebuilt from the shape recorded with it (its steps' accepts, workers and
// attempts, so the reducer decides exactly as it did), then moved onto the new version's steps
// by name. Whether it may be is `compat.ts`'s rule, decided first from the journal alone.

import {
  buildRunEnv,
  Context,
  createRunState,
  decodeError,
  decodeEvent,
  decodeTick,
  Event,
  eventClassOf,
  parseState,
  reduceInto,
  runStateFromJSON,
  runStateOf,
  workflowInfo,
  type CommandSink,
  type ContextJSON,
  type EventClass,
  type EventKind,
  type RunEnv,
  type RunState,
  type StepState,
  type Tick,
  type WorkflowDefinition,
  type WorkflowShape,
} from "../backend.js";
import type { Workflow } from "../backend.js";
import { parseEntry, type Journal, type RunRecord } from "./journal.js";
import type { Touched } from "./compat.js";
import { z, type ZodType } from "zod";

/** A rebuilt run. */
export interface RebuiltRun {
  readonly ctx: Context<any>;
  /** Events the run's stream carried, in order. */
  readonly streamed: Event[];
  /** Ticks replayed after the snapshot. */
  readonly sinceSnapshot: number;
  /** Set when the run had finished: how it ended. */
  readonly finished: { readonly error: Error | null; readonly result: Event | null } | null;
  /** True when the run was journaled by another (compatible) version and was moved onto this one. */
  readonly upgraded: boolean;
}

const DISCARD: CommandSink = { push: () => undefined };

/** Rebuilds `record`'s run from `journal` onto `workflow` (throws `JournalMismatchError` on unknown names). */
export function rebuildRun(workflow: Workflow<any, any, any, any>, journal: Journal, record: RunRecord, fingerprint: string): RebuiltRun {
  const wi = workflowInfo(workflow);
  const upgraded = record.fingerprint !== fingerprint && record.shape.version === 2 && wi.definition.fields !== undefined;
  const replayEnv = upgraded ? shapeEnv(wi.definition.name, record.shape, wi.env.events) : wi.env;
  const replayed = replay(journal, record, replayEnv, wi.definition.state);
  const ctx = new Context(workflow);
  const run = runStateOf(ctx);
  adopt(run, upgraded ? moveOnto(replayed.run, replayEnv, wi.env, wi.definition.state) : replayed.run);
  let finished: RebuiltRun["finished"] = null;
  const outcome = record.outcome;
  if (outcome !== null && record.status !== "cancelled") {
    if ("result" in outcome) finished = { error: null, result: decodeEvent(wi.env, outcome.result) };
    else {
      const error = decodeError(outcome.error);
      finished = { error: error instanceof Error ? error : new Error(String(error)), result: null };
    }
  }
  if (run.status === "running") run.status = "paused";
  return { ctx, streamed: replayed.streamed, sinceSnapshot: replayed.ticks, finished, upgraded };
}

/**
 * What a run touched (compat.ts), from its journal alone: it is replayed under its recorded
 * shape with stand-in event classes, so no version of the code is needed (`flowspec runs check`).
 */
export function touchedBy(journal: Journal, record: RunRecord): Touched {
  const env = shapeEnv(record.workflow, record.shape, new Map());
  const events = new Set<string>();
  const replayed = replay(journal, record, env, undefined, events);
  const pending = new Map<string, Set<string>>();
  env.steps.forEach((step, i) => {
    const types = pendingTypes(replayed.run.steps[i]!);
    if (types.size > 0) pending.set(step.name, types);
  });
  return { events, pending };
}

/** Snapshot, then ticks, into a fresh run state for `env`; `seen` collects every event type met. */
function replay(journal: Journal, record: RunRecord, env: RunEnv, stateSchema: ZodType | undefined, seen?: Set<string>) {
  let run: RunState;
  const snapshot = journal.latestSnapshot(record.runId);
  if (snapshot !== undefined) {
    const json = JSON.parse(snapshot.json) as ContextJSON;
    run = runStateFromJSON(env, json, stateSchema);
    run.status = json.status; // restoring marks a running context paused; replay needs it running
    if (seen !== undefined) for (const st of run.steps) pendingTypes(st, seen);
  } else {
    const initial = parseState(stateSchema, {});
    if (!initial.ok) throw initial.error;
    run = createRunState(env.steps.length, initial.state);
  }
  let ticks = 0;
  for (const stored of journal.read(record.runId, { after: snapshot?.seq ?? 0, kind: "tick" })) {
    const entry = parseEntry(stored);
    if (entry.kind !== "tick") continue;
    const tick = decodeTick(entry.tick, env, run.state);
    if (seen !== undefined) noteTickEvents(tick, seen);
    reduceInto(run, tick, env, DISCARD);
    ticks++;
  }
  const streamed: Event[] = [];
  for (const stored of journal.read(record.runId, { kind: "stream" })) {
    const entry = parseEntry(stored);
    if (entry.kind !== "stream") continue;
    const ev = decodeEvent(env, entry.event);
    seen?.add(eventClassOf(ev).typeName);
    streamed.push(ev);
  }
  return { run, streamed, ticks };
}

/** The event types of a step's pending work: queued and in-flight deliveries (with what they took from the buffer) and its collect buffer. */
function pendingTypes(st: StepState, into = new Set<string>()): Set<string> {
  for (const d of [...st.queue.toArray(), ...st.active]) {
    into.add(eventClassOf(d.event).typeName);
    for (const e of d.taken ?? []) into.add(eventClassOf(e.event).typeName);
  }
  for (const ev of st.buffer.values()) into.add(eventClassOf(ev).typeName);
  return into;
}

function noteTickEvents(tick: Tick, seen: Set<string>): void {
  const add = (ev: Event | null | undefined) => ev && seen.add(eventClassOf(ev).typeName);
  switch (tick.type) {
    case "run_started":
      return void add(tick.start);
    case "event_sent":
    case "stream_written":
      return void add(tick.event);
    case "attempt_succeeded":
      return void add(tick.result);
    case "collected":
      return void add(tick.add?.event);
    default:
      return;
  }
}

/**
 * A run env with the steps (accepts, workers, attempts) of a recorded shape, over `classes` (the
 * current version's event classes); an event the shape names that `classes` lacks gets a
 * stand-in class (its name and kind, any data).
 */
function shapeEnv(workflow: string, shape: WorkflowShape, classes: ReadonlyMap<string, EventClass>): RunEnv {
  const byName = new Map<string, EventClass>();
  for (const e of shape.events) byName.set(e.name, classes.get(e.name) ?? standIn(e.name, e.kind as EventKind));
  const cls = (name: string) => byName.get(name) ?? standIn(name, "event");
  const start = shape.events.find((e) => e.kind === "start");
  const definition: WorkflowDefinition = {
    name: workflow,
    startEvent: cls(start?.name ?? "StartEvent"),
    events: [...byName.values()],
    steps: shape.steps.map((s) => ({
      name: s.name,
      method: s.name,
      accepts: s.accepts.map(cls),
      emits: s.emits.map(cls),
      resources: [],
      workers: s.workers ?? 1,
      retry: { attempts: s.attempts ?? 1, delay: 0, backoff: 1 },
    })),
    resources: {},
  };
  return buildRunEnv(definition);
}

/** An event class that stands for a type of an earlier version: its name and kind, any data. */
function standIn(typeName: string, kind: EventKind): EventClass {
  return class extends Event {
    static override readonly typeName = typeName;
    static override readonly kind = kind;
    static override readonly schema: ZodType = z.any();
    constructor(data: Record<string, unknown> = {}) {
      super();
      Object.assign(this, data);
    }
  } as unknown as EventClass;
}

/** The run state of `from` (replayed under an earlier version's steps) on `to`'s steps, by step name; state re-parsed (new defaults). */
function moveOnto(run: RunState, from: RunEnv, to: RunEnv, stateSchema: ZodType | undefined): RunState {
  const state = parseState(stateSchema, run.state);
  if (!state.ok) throw state.error;
  const moved = createRunState(to.steps.length, state.state);
  moved.status = run.status;
  moved.runId = run.runId;
  moved.nextSeq = run.nextSeq;
  for (const [key, value] of run.store) moved.store.set(key, value);
  from.steps.forEach((step, i) => {
    const target = to.byName.get(step.name);
    if (target !== undefined && target.name === step.name) moved.steps[target.index] = run.steps[i]!;
  });
  return moved;
}

/** Makes `target` (a context's run state) hold what `source` holds. */
function adopt(target: RunState, source: RunState): void {
  target.status = source.status;
  target.runId = source.runId;
  target.nextSeq = source.nextSeq;
  target.state = source.state;
  target.store.clear();
  for (const [key, value] of source.store) target.store.set(key, value);
  target.steps.splice(0, target.steps.length, ...source.steps);
}
