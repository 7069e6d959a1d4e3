// The DBOS workflow function of a flowspec run: design C of docs/dbos-design.md ("the run's DBOS op
// log is its tick journal").
//
// Past the recorded prefix, the run is an ordinary live run of this process (started through the
// workflow's in-memory runner, `LocalRunner`), whose ticks reach the runtime's `onTick` sink,
// which only queues them. This function records the queued ticks, oldest first, one `flowspec.tick` DBOS step per
// batch, then reduces each recorded tick into a *shadow* context and performs the external effects
// it asks for (`DBOS.writeStream`, the result). On recovery DBOS re-executes it: every recorded
// `flowspec.tick` step returns its batch without running, the shadow state is rebuilt, and the
// first step DBOS really executes returns `run_resumed`, which re-dispatches what was in flight.
// The live driver and the step bodies make no DBOS calls at all.

import { DBOS } from "@dbos-inc/dbos-sdk";
import { Context, Event, JournalMismatchError, reduce, runStateOf, workflowInfo, type LocalRunner, type Tick, type Workflow, type WorkflowHandler, type WorkflowShape } from "../runtime/backend.js";
import { continueBreaks } from "./versions.js";
import { decodeEvent, decodeTick, encodeError, encodeEvent, encodeTick, toDbosError, type SerializedError, type SerializedTick } from "./codec.js";

export const TICKS_TOPIC = "flowspec.tick";
export const STREAM_KEY = "flowspec.stream";
export const STATUS_KEY = "flowspec.status";
/**
 * The recording format of runs started by this version, in tick 0 (`format`; absent: 1). Format 2:
 * the recv is armed only when needed, and the stream holds the written events and input requests
 * only: its end is the run's DBOS result (readers append the stop event, or throw the run's error),
 * so no stream entry nor close is recorded for it. Runs recorded in format 1 replay as recorded.
 */
export const RECORD_FORMAT = 2;

/** The recording format of a run, from its tick 0 output. */
export function formatOf(first: unknown): number {
  const f = (first as { format?: unknown } | null)?.format;
  return typeof f === "number" ? f : 1;
}
/** The id of an outside event the run's last `recv` took after the run ended (so it was never delivered). */
export const UNDELIVERED_KEY = "flowspec.undelivered";
const DAY_S = 86_400;

/** The DBOS workflow's argument. */
export interface RunInput {
  readonly v: 1;
  readonly workflow: string;
  readonly start: { readonly type: string; readonly data: Record<string, unknown> };
  /**
   * When the run was enqueued (epoch ms, the enqueuing process's clock): its timeout counts from
   * here, across queue time and recoveries. Absent in runs enqueued by earlier versions of
   * flowspec/dbos, whose timeout counts from each (re)start.
   */
  readonly at?: number;
}

/**
 * How a step attempt waits for checkpoints before its body runs (`commitBeforeSteps`).
 * strict: until every tick queued before it is checkpointed (the outcome or send that delivered its event included).
 * lenient: at once, unless a tick has waited for its checkpoint longer than `lagMs`; then as strict.
 */
export interface CheckpointGate {
  readonly strict: boolean;
  readonly lagMs: number;
}

/** The gate of one live run: resolves when the step body may run; rejects when the run is no longer recorded here. */
export type StepGate = (signal: AbortSignal) => Promise<void>;

/** A message on a run's `flowspec.tick` topic. */
export type Envelope =
  | { readonly v: 1; readonly kind: "external"; readonly event: { type: string; data: Record<string, unknown> }; readonly target: string | null; readonly id?: string }
  | { readonly v: 1; readonly kind: "cancel" }
  | { readonly v: 1; readonly kind: "close" }
  | { readonly v: 1; readonly kind: "rearm" };

/**
 * One entry of a recorded batch: a tick (absent for a consumed message that made none), `m` when it
 * consumed the armed recv; or `a` alone: a message was pending, so the recv is armed after the batch.
 */
interface BatchEntry {
  readonly t?: SerializedTick;
  readonly m?: 1;
  readonly a?: 1;
}

/** What the stream carries besides events: the run's error, last. */
export interface StreamError {
  readonly "flowspec.error": SerializedError;
}

export interface RecorderOptions {
  readonly flow: Workflow<any, any, any, any>;
  /** The workflow's in-memory runner: executes the live run in this process. */
  readonly local: LocalRunner;
  readonly fingerprint: string;
  readonly shape: WorkflowShape;
  readonly warn: (message: string) => void;
  /** Where the workflow's tick sink (returned by `DbosRuntime.attach`) routes a live run's ticks, by runId. */
  readonly sinks: Map<string, (tick: Tick) => void>;
  /** The step gates of the live runs of this process, by runId (the step wrappers look them up). */
  readonly gates: Map<string, StepGate>;
  /** How to stop the live run of each execution in this process, by runId (a newer execution of the same run stops the stale one). */
  readonly executions: Map<string, () => void>;
  readonly gate: CheckpointGate;
  /** Tells a live run whose recv is not armed that a message is pending for it (messages.ts). */
  readonly messages: { watch(runId: string, onPending: () => void): () => void };
}

export function makeRecorder(options: RecorderOptions): (input: RunInput) => Promise<{ type: string; data: Record<string, unknown> }> {
  const { flow, local, fingerprint, shape, warn, sinks, gates, executions, gate, messages } = options;
  const env = workflowInfo(flow).env;

  return async function flowspecRun(input: RunInput) {
    const runId = DBOS.workflowID!;
    const shadowCtx = new Context(flow);
    const shadow = runStateOf(shadowCtx);
    /** Ticks (and consumed messages) not yet checkpointed, oldest first; `at`: when queued. */
    const queue: { tick: Tick | null; msg: boolean; at: number }[] = [];
    let wake: (() => void) | null = null;
    const poke = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    // Checkpoint accounting for the step gate: entries ever queued, entries checkpointed.
    let pushed = 0;
    let recorded = 0;
    let gateClosed: Error | null = null;
    const waiters = new Set<{ target: number; resolve: () => void; reject: (e: unknown) => void }>();
    const sink = (tick: Tick) => {
      queue.push({ tick, msg: false, at: Date.now() });
      pushed++;
      poke();
    };
    const advance = (n: number) => {
      recorded += n;
      for (const w of waiters) if (w.target <= recorded) (waiters.delete(w), w.resolve());
    };
    const stepGate: StepGate = (signal) => {
      if (gateClosed !== null) return Promise.reject(gateClosed);
      const lagging = queue.length > 0 && Date.now() - queue[0]!.at > gate.lagMs;
      if (recorded >= pushed || (!gate.strict && !lagging)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const w = {
          target: pushed,
          resolve: () => (signal.removeEventListener("abort", onAbort), resolve()),
          reject: (e: unknown) => (signal.removeEventListener("abort", onAbort), reject(e)),
        };
        const onAbort = () => (waiters.delete(w), reject(signal.reason));
        if (signal.aborted) return reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
        waiters.add(w);
      });
    };
    const closeGate = (error: Error) => {
      gateClosed = error;
      for (const w of waiters) w.reject(error);
      waiters.clear();
    };
    // Stops this execution's live run for good: nothing of it reaches the run's sink again.
    const stop = () => {
      unwatch();
      closeGate(new Error(`flowspec/dbos: run ${runId} is no longer recorded by this execution`));
      if (sinks.get(runId) === sink) sinks.delete(runId);
      if (gates.get(runId) === stepGate) gates.delete(runId);
      if (executions.get(runId) === stop) executions.delete(runId);
      if (live !== null && !live.done) live.cancel(); // its ticks go nowhere now (no sink), and its attempts are fenced
    };
    // The live run is an ordinary in-memory run of `flow`. Its deadline is absolute: it counts from
    // the enqueue (`input.at`), across recoveries and time spent in the queue.
    const startLive = (start: Event | undefined, opts: { ctx?: Context<any>; runId: string }): WorkflowHandler<any, any> => {
      // DBOS dispatches a run only to the execution that owns it. An older execution of the same run
      // in this process (it lost the run while Postgres was unreachable, say) is stale: it parks at its
      // next write. Stop its live run first, so none of its ticks reach this execution's journal.
      const stale = executions.get(runId);
      if (stale !== undefined) {
        warn(`flowspec/dbos: run ${runId} was dispatched again to this process; its stale execution stops`);
        stale();
      }
      sinks.set(runId, sink);
      gates.set(runId, stepGate);
      executions.set(runId, stop);
      const handler = local.run(start, opts, typeof input.at === "number" ? { startedAt: input.at } : {});
      // A live run that ended without a tick (the driver caught an internal error) must still end
      // the recorded run: queue a run_failed (a no-op for the shadow when a recorded tick ended it first).
      handler.then(undefined, (error: unknown) => sink({ type: "run_failed", error: error instanceof Error ? error : new Error(String(error)) }));
      return handler;
    };
    let live: WorkflowHandler<any, any> | null = null;
    let tookLive = false;

    // The one armed DBOS.recv. Armed only at recorded positions, so it replays in the same place.
    // Runs recorded in format 2 arm it lazily (`lazy`, from tick 0): only while the run
    // waits for an event from outside (its shadow is idle), or after a batch that recorded a pending
    // message (`a`). A recv costs about four DBOS operations (its wait, its durable timeout, the
    // consumption and, at the end, the self-send that releases it), and most runs never get a message.
    // Runs recorded in format 1 arm it after tick 0 and after every consumed message.
    let lazy = false;
    let armed = false;
    /** A message is pending for this run (the watch said so) and no recv is armed. */
    let pending = false;
    let watching: (() => void) | null = null;
    const unwatch = () => {
      watching?.();
      watching = null;
    };
    const watch = () => {
      if (watching === null && gateClosed === null) {
        watching = messages.watch(runId, () => {
          pending = true;
          poke();
        });
      }
    };
    let gen = 0;
    let slot: Envelope | null = null;
    let recvP: Promise<unknown> = Promise.resolve();
    const arm = () => {
      const g = ++gen;
      slot = null;
      armed = true;
      pending = false;
      unwatch();
      recvP = DBOS.recv<Envelope>(TICKS_TOPIC, { timeoutSeconds: DAY_S }).then(
        (msg) => {
          if (g === gen) {
            slot = msg ?? { v: 1, kind: "rearm" };
            poke();
          }
        },
        (error: unknown) => {
          // A cancelled run's recv ends with DBOS's cancellation; the tick step sees it too.
          if (!/cancel/i.test(String((error as Error)?.name) + String((error as Error)?.message))) warn(`flowspec/dbos: run ${runId}: recv failed: ${String((error as Error)?.message ?? error)}`);
        },
      );
    };

    const deliver = (msg: Envelope) => {
      const n = queue.length;
      try {
        if (msg?.v === 1 && msg.kind === "external") {
          const ev = decodeEvent(env, msg.event);
          live!.ctx.sendEvent(ev, msg.target === null ? undefined : { step: msg.target });
        } else if (msg?.v === 1 && msg.kind === "cancel") {
          live!.cancel();
        } else if (!(msg?.v === 1 && (msg.kind === "close" || msg.kind === "rearm"))) {
          warn(`flowspec/dbos: run ${runId}: ignored a message that is not a flowspec envelope`);
        }
      } catch (error) {
        warn(`flowspec/dbos: run ${runId}: ignored an undecodable event: ${String((error as Error)?.message ?? error)}`);
      }
      if (queue.length === n) {
        queue.push({ tick: null, msg: true, at: Date.now() });
        pushed++;
      } else queue[n]!.msg = true;
    };

    // The body of every `flowspec.tick` step after tick 0. DBOS runs it only past the recorded prefix.
    // Format 2 records a batch as its JSON text: DBOS's serializer then stores a string instead of
    // walking every tick (a third of the recorder's CPU); format 1 recorded the array.
    const batchOut = (entries: BatchEntry[]): BatchEntry[] | string => (lazy ? JSON.stringify(entries) : entries);
    const take = async (): Promise<BatchEntry[] | string> => {
      tookLive = true;
      if (live === null) return batchOut([{ t: encodeTick({ type: "run_resumed", runId }) }]);
      // DBOS cancellation (handler.cancel, flowspec runs cancel) aborts this signal: throwing then
      // ends the workflow function as cancelled, with nothing recorded, so DBOS's resume continues it.
      const cancelled = (DBOS.stepStatus as { cancelSignal?: AbortSignal } | undefined)?.cancelSignal;
      cancelled?.addEventListener("abort", poke, { once: true });
      let yielded = false;
      for (;;) {
        if (cancelled?.aborted) throw cancelled.reason;
        if (queue.length > 0) {
          // One turn of the event loop first: ticks due in the same turn (attempts whose timers fire
          // together, their outcomes and the attempts they start) join this batch instead of the next.
          if (!yielded) {
            yielded = true;
            await new Promise<void>((resolve) => setImmediate(resolve));
            continue;
          }
          const entries: BatchEntry[] = queue.map((q) => (q.tick === null ? { m: 1 as const } : q.msg ? { t: encodeTick(q.tick), m: 1 as const } : { t: encodeTick(q.tick) }));
          if (lazy && pending && !armed) {
            pending = false;
            entries.push({ a: 1 });
          }
          return batchOut(entries);
        }
        if (slot !== null) {
          const msg = slot;
          slot = null;
          deliver(msg);
          continue;
        }
        if (lazy && pending && !armed) {
          pending = false;
          return batchOut([{ a: 1 }]);
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    };

    type End = { kind: "result"; result: { type: string; data: Record<string, unknown> } } | { kind: "error"; error: Error };
    let waiting = false;
    /** Reduce one recorded tick into the shadow state and perform its external effects, in order. */
    const apply = async (tick: Tick): Promise<End | null> => {
      const commands = reduce(shadow, tick, env);
      // The status first: a reader who sees an input request in the stream also sees `waiting`.
      const idle = shadow.steps.every((st) => st.active.length === 0 && st.queue.length === 0);
      if (idle !== waiting && !commands.some((c) => c.type === "complete_run" || c.type === "fail_run")) {
        waiting = idle;
        await DBOS.setEvent(STATUS_KEY, idle ? "waiting" : "running");
      }
      for (const c of commands) {
        if (c.type === "write_stream") await DBOS.writeStream(STREAM_KEY, encodeEvent(c.event));
        else if (c.type === "complete_run") {
          // Format 2: the stop event is the run's DBOS result, which readers append to the stream.
          const result = encodeEvent(c.result);
          if (!lazy) await DBOS.writeStream(STREAM_KEY, result);
          return { kind: "result", result };
        } else if (c.type === "fail_run") {
          if (!lazy) await DBOS.writeStream(STREAM_KEY, { "flowspec.error": encodeError(c.error) } satisfies StreamError);
          return { kind: "error", error: c.error };
        }
      }
      return null;
    };

    // Tick 0: the start, checkpointed with the definition's fingerprint.
    const first = await DBOS.runStep(
      async () => {
        tookLive = true;
        const start = decodeEvent(env, input.start);
        return { fingerprint, shape, tick: encodeTick({ type: "run_started", runId, start }), format: RECORD_FORMAT };
      },
      { name: "flowspec.tick", retriesAllowed: false },
    );
    if (first.fingerprint !== fingerprint) {
      // An earlier version started this run (a worker serves the queues of the versions it can
      // continue: versions.ts); it continues here only when no change breaks it.
      const differences = continueBreaks(first.shape, shape);
      if (differences.length > 0) {
        throw toDbosError(new JournalMismatchError(`Run ${runId} was journaled by another version of ${env.workflow}: ${differences.join("; ")}`, differences));
      }
    }
    lazy = formatOf(first) >= 2;
    const t0 = decodeTick(first.tick, env);
    let end: End | null = null;
    if (tookLive) {
      live = startLive((t0 as { start: Event }).start, { runId });
      queue.shift(); // its run_started is tick 0, already recorded
      advance(1);
    }
    end = await apply(t0);
    // After tick 0 and after every batch, at recorded positions: arm the recv if the run needs one now.
    const armIfNeeded = (marked: boolean) => {
      if (armed || end !== null) return;
      if (!lazy || marked || waiting) arm();
      else if (live !== null) watch();
    };
    armIfNeeded(false);

    try {
      while (end === null) {
        tookLive = false;
        const out = await DBOS.runStep(take, { name: "flowspec.tick", retriesAllowed: false });
        const batch: BatchEntry[] = typeof out === "string" ? JSON.parse(out) : out;
        const wasLive = tookLive;
        let marked = false;
        for (const entry of batch) {
          if (entry.a === 1) {
            marked = true;
            continue;
          }
          const tick = entry.t === undefined ? null : decodeTick(entry.t, env);
          if (wasLive && tick?.type === "run_resumed" && live === null) {
            // The replay is over: build the live run from the shadow state; run_resumed re-dispatches in-flight work.
            const ctx = Context.fromJSON(flow, shadowCtx.toJSON());
            live = startLive(undefined, { ctx, runId });
            queue.shift();
          } else if (wasLive) queue.shift();
          if (wasLive) advance(1);
          if (entry.m === 1) {
            // The armed recv was consumed (on a replay, a late answer of its recorded result is ignored).
            armed = false;
            gen++;
            slot = null;
            if (!lazy) arm();
          }
          if (tick !== null) end = await apply(tick);
          if (end !== null) break;
        }
        armIfNeeded(marked);
      }
      unwatch();
      // Release the armed recv with a recorded self-send, so no recv outlives the run. (A message
      // pending for a run with no recv armed stays unconsumed: its sender's check refuses it.)
      if (armed) await DBOS.send(runId, { v: 1, kind: "close" } satisfies Envelope, TICKS_TOPIC);
      await recvP;
      // The last recv took an outside event instead of the close: the run ended without it. Say so,
      // so its sender (who checks after the run ended) throws instead of losing it silently.
      const last = slot as Envelope | null;
      if (last?.v === 1 && last.kind === "external" && typeof last.id === "string") await DBOS.setEvent(UNDELIVERED_KEY, last.id);
      // Format 2: readers of the stream end where the run ended (DBOS ends a stream once its workflow
      // is no longer active), with its result.
      if (!lazy) await DBOS.closeStream(STREAM_KEY);
    } finally {
      // No step body starts once the run is no longer recorded here (it ended, was cancelled, or this
      // execution lost it); the live run ends on the same tick (defensive, and on errors).
      stop();
    }
    if (end.kind === "result") return end.result;
    throw toDbosError(end.error);
  };
}

