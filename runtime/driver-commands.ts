// Executes the reducer's commands for a run driver: start attempts (through the trampoline), retries, stream writes, settling.

import { eventClassOf } from "./event.js";
import type { RunDriver } from "./driver.js";
import { MAX_TIMER_MS } from "./driver-timers.js";
import { isThenable } from "./resources.js";
import { WorkflowTimeoutError } from "./errors.js";
import { failedTick } from "./sends.js";
import { AttemptContext } from "./step-context.js";
import type { Command, StartAttemptCommand } from "./ticks.js";

/** Executes one command of `d`'s reducer. */
export function execCommand(d: RunDriver, c: Command): void {
  switch (c.type) {
    case "start_attempt": {
      if (!d.live) return;
      if (d.recorder === null) d.attempts.push(c);
      else
        d.recorder.attemptDue(() => {
          if (d.live) d.attempts.push(c);
        });
      return;
    }
    case "schedule_retry": {
      const step = d.env.steps[c.step]!;
      if (d.verbose) d.print(`${step.name} retry in ${c.delayMs}ms`);
      d.timers.scheduleRetry(step.name, c);
      return;
    }
    case "write_stream":
      if (d.recorder !== null) d.recorder.writeStream(c.event);
      else d.stream.write(c.event);
      return;
    case "complete_run":
      d.finish(null, c.result);
      return;
    case "fail_run":
      d.finish(c.error, null);
      return;
  }
}

/** Runs one step attempt (from the trampoline): arms its timeout, calls the step, ends the attempt with its outcome. */
export function startAttempt(d: RunDriver, c: StartAttemptCommand): void {
  const step = d.env.steps[c.step]!;
  let signal: AbortSignal | null = null; // the run's, read only when the step asks for it
  let timer: ReturnType<typeof setTimeout> | null = null;
  let actx: AttemptContext;
  const seconds = step.timeout;
  if (seconds !== null && seconds * 1000 <= MAX_TIMER_MS) {
    const attemptController = new AbortController();
    signal = AbortSignal.any([d.signal, attemptController.signal]);
    timer = d.timers.armAttempt(seconds, () => {
      const error = new WorkflowTimeoutError(`Step "${step.name}" attempt ${c.attempt} timed out after ${seconds}s`, seconds, [step.name]);
      attemptController.abort(error);
      d.settleAttempt(actx, failedTick(actx, error));
    });
  }
  if (d.recorder !== null) d.recorder.attemptStarted(step.name, c.seq, c.attempt);
  actx = new AttemptContext(d, step, c.seq, c.event, c.attempt, signal);
  if (d.verbose) d.print(`${step.name} attempt ${c.attempt} on ${eventClassOf(c.event).typeName}`);
  let out: unknown;
  try {
    out = d.invoker.invoke(step, c.event, actx);
  } catch (error) {
    if (timer !== null) d.timers.clear(timer);
    d.endAttempt(actx, failedTick(actx, error));
    return;
  }
  if (isThenable(out)) {
    out.then(
      (value) => {
        if (timer !== null) d.timers.clear(timer);
        d.settleAttempt(actx, d.invoker.outcome(actx, value));
      },
      (error: unknown) => {
        if (timer !== null) d.timers.clear(timer);
        d.settleAttempt(actx, failedTick(actx, error));
      },
    );
  } else {
    if (timer !== null) d.timers.clear(timer);
    d.endAttempt(actx, d.invoker.outcome(actx, out));
  }
}
