// The run's reducer: `(state, tick) → commands`, with the new state written in place.
//
// It does no I/O, reads no clock and calls no user code, so the same ticks always rebuild the same
// state (the durable journal's replay relies on it) and tests can drive it tick by tick. It
// updates the state in place rather than copying it: a copy per tick would make a 100k-event run
// quadratic, and the driver is its only caller, so nobody can observe a half-applied tick.

import { JournalMismatchError, WorkflowCancelledError, WorkflowRuntimeError, WorkflowTimeoutError } from "./errors.js";
import { eventClassOf, type Event } from "./event.js";
import { classInfo, type RunEnv, type StepEnv } from "./routing.js";
import {
  activeGet,
  activeRemove,
  bufferAdd,
  bufferRestore,
  bufferTake,
  emptyStepState,
  newDelivery,
  type Delivery,
  type RunState,
  type StepState,
} from "./run-state.js";
import { describeThrown } from "./thrown.js";
import type { Command, Tick } from "./ticks.js";


/** Where the reducer appends commands: an array, or the driver's reusable buffer. */
export interface CommandSink {
  push(command: Command): unknown;
}

/** A reusable command buffer: the reducer appends, the driver drains; no array per tick. */
export class CommandBuffer implements CommandSink {
  items: (Command | undefined)[] = [];
  length = 0;
  push(command: Command): void {
    this.items[this.length++] = command;
  }
}

/**
 * Applies one tick to the run state and returns what the driver must do next.
 *
 * @example
 * ```ts
 * const commands = reduce(state, { type: "run_started", runId: "r1", start: new StartEvent() }, env);
 * // [{ type: "start_attempt", step: 0, seq: 1, event, attempt: 1 }]
 * ```
 */
export function reduce(s: RunState, t: Tick, env: RunEnv): Command[] {
  const out: Command[] = [];
  reduceInto(s, t, env, out);
  return out;
}

/** `reduce`, appending the commands to `out` (the driver reuses one buffer: no array per tick). */
export function reduceInto(s: RunState, t: Tick, env: RunEnv, out: CommandSink): void {
  switch (t.type) {
    case "run_started": {
      for (let i = 0; i < s.steps.length; i++) s.steps[i] = emptyStepState();
      s.status = "running";
      s.runId = t.runId;
      route(s, env, t.start, null, out);
      return;
    }
    case "run_resumed":
      resume(s, t.runId, env, out);
      return;
    case "event_sent":
      route(s, env, t.event, t.target, out);
      return;
    case "attempt_succeeded": {
      const step = stepNamed(env, t.step);
      const d = current(s, step, t.seq, t.attempt);
      if (d === undefined) return;
      activeRemove(s.steps[step.index]!, t.seq);
      if (t.result !== null) route(s, env, t.result, null, out);
      if (s.status === "running") dispatch(s, step, out);
      return;
    }
    case "attempt_failed": {
      const step = stepNamed(env, t.step);
      const d = current(s, step, t.seq, t.attempt);
      if (d === undefined) return;
      if (d.taken !== null) {
        bufferRestore(s.steps[step.index]!, d.taken);
        d.taken = null;
      }
      if (t.attempt < step.retry.attempts) {
        d.waiting = true;
        const delayMs = step.retry.delay * step.retry.backoff ** (t.attempt - 1) * 1000;
        out.push({ type: "schedule_retry", step: step.index, seq: t.seq, delayMs });
        return;
      }
      const reason = describeThrown(t.error);
      const attempts = t.attempt === 1 ? "1 attempt" : `${t.attempt} attempts`;
      const message = `Step "${step.name}" failed after ${attempts}: ${reason}`;
      fail(s, new WorkflowRuntimeError(message, { step: step.name, cause: t.error }), out);
      return;
    }
    case "retry_due": {
      if (s.status !== "running") return;
      const step = stepNamed(env, t.step);
      const d = activeGet(s.steps[step.index]!, t.seq);
      if (d === undefined || !d.waiting) return;
      d.waiting = false;
      d.attempt++;
      out.push({ type: "start_attempt", step: step.index, seq: d.seq, event: d.event, attempt: d.attempt });
      return;
    }
    case "stream_written":
      if (s.status === "running") out.push({ type: "write_stream", event: t.event });
      return;
    case "store_set":
      s.store.set(t.key, t.value);
      return;
    case "state_set":
      s.state = t.state;
      return;
    case "collected": {
      const step = stepNamed(env, t.step);
      const st = s.steps[step.index]!;
      if (t.add !== null) {
        bufferAdd(st, t.add.seq, t.add.event, eventClassOf(t.add.event).typeName);
        if (t.add.seq >= s.nextSeq) s.nextSeq = t.add.seq + 1;
      }
      const d = activeGet(st, t.by);
      for (const seq of t.take) {
        const event = bufferTake(st, seq);
        if (event !== undefined && d !== undefined) (d.taken ??= []).push({ seq, event });
      }
      return;
    }
    case "run_failed":
      if (s.status === "running") fail(s, t.error, out);
      return;
    case "timed_out": {
      if (s.status !== "running") return;
      const active = env.steps.filter((step) => s.steps[step.index]!.active.length > 0).map((step) => step.name);
      const which = active.length > 0 ? `steps still active: ${active.join(", ")}` : "no step was active (waiting for an event)";
      const error = new WorkflowTimeoutError(`${env.workflow} timed out after ${t.timeout}s; ${which}`, t.timeout, active);
      fail(s, error, out, "timed_out");
      return;
    }
    case "cancelled":
      if (s.status === "running") fail(s, new WorkflowCancelledError(), out, "cancelled");
      return;
  }
}

/** Sends `ev` to its recipients (or to `target`), or ends the run when it is a stop event. */
function route(s: RunState, env: RunEnv, ev: Event, target: string | null, out: CommandSink): void {
  const cls = classInfo(env, eventClassOf(ev));
  let recipients = cls.recipients;
  if (target !== null) {
    const step = env.byName.get(target);
    if (step === undefined) {
      fail(s, new WorkflowRuntimeError(`sendEvent target "${target}" is not a step of ${env.workflow}`, { step: target }), out);
      return;
    }
    if (!step.accepts.has(cls.typeName)) {
      const message = `sendEvent target "${target}" (step "${step.name}") does not accept ${cls.typeName}`;
      fail(s, new WorkflowRuntimeError(message, { step: step.name }), out);
      return;
    }
    recipients = [step];
  }
  const running = s.status === "running";
  if (cls.kind === "stop") {
    if (running) {
      s.status = "completed";
      out.push({ type: "complete_run", result: ev });
    }
    return;
  }
  if (cls.kind === "input_required" && running) out.push({ type: "write_stream", event: ev });
  for (let i = 0; i < recipients.length; i++) {
    const step = recipients[i]!;
    const st = s.steps[step.index]!;
    const d = newDelivery(s.nextSeq++, ev);
    if (running && st.queue.length === 0 && st.active.length < step.workers) start(st, step, d, out); // skip the queue
    else {
      st.queue.push(d);
      if (running) dispatch(s, step, out);
    }
  }
}

/** Makes a delivery active and asks for its first attempt. */
function start(st: StepState, step: StepEnv, d: Delivery, out: CommandSink): void {
  d.attempt = 1;
  d.waiting = false;
  st.active.push(d);
  out.push({ type: "start_attempt", step: step.index, seq: d.seq, event: d.event, attempt: 1 });
}

/** Starts queued deliveries while the step has free workers. */
function dispatch(s: RunState, step: StepEnv, out: CommandSink): void {
  const st = s.steps[step.index]!;
  while (st.active.length < step.workers) {
    const d = st.queue.shift();
    if (d === undefined) return;
    start(st, step, d, out);
  }
}

/** Re-queues in-flight work ahead of the queue (undoing its collect consumption), then dispatches. */
function resume(s: RunState, runId: string, env: RunEnv, out: CommandSink): void {
  s.status = "running";
  s.runId = runId;
  for (const step of env.steps) {
    const st = s.steps[step.index]!;
    if (st.active.length > 0) {
      const inFlight = st.active.splice(0).sort((a, b) => a.seq - b.seq);
      for (const d of inFlight) {
        if (d.taken !== null) bufferRestore(st, d.taken);
        d.taken = null;
        d.attempt = 0;
        d.waiting = false;
      }
      const rest = st.queue.toArray();
      st.queue.clear();
      for (const d of inFlight) st.queue.push(d);
      for (const d of rest) st.queue.push(d);
    }
    dispatch(s, step, out);
  }
}

/** The active delivery a result tick refers to, or undefined when the tick is stale. */
function current(s: RunState, step: StepEnv, seq: number, attempt: number): Delivery | undefined {
  if (s.status !== "running") return undefined;
  const d = activeGet(s.steps[step.index]!, seq);
  return d !== undefined && d.attempt === attempt && !d.waiting ? d : undefined;
}

function fail(s: RunState, error: Error, out: CommandSink, status: "failed" | "cancelled" | "timed_out" = "failed"): void {
  if (s.status === "running") s.status = status;
  out.push({ type: "fail_run", error });
}

function stepNamed(env: RunEnv, name: string): StepEnv {
  const step = env.byName.get(name);
  if (step === undefined) throw new JournalMismatchError(`Workflow ${env.workflow} has no step "${name}"`, [name]);
  return step;
}
