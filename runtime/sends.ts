// The rules for events entering a run from outside (`handler.ctx.sendEvent`), shared by a live
// run and a context between runs: an event this run cannot use is refused at once, naming what it
// accepts, so it is never dropped silently and never leaves the run hanging.

import { WorkflowRuntimeError } from "./errors.js";
import type { ClassInfo, RunEnv, StepEnv } from "./routing.js";
import type { AttemptFailedTick } from "./ticks.js";

/** The error for an outside send that no step of the run would receive, or null when it is accepted. */
export function refusalOf(env: RunEnv, cls: ClassInfo, target: string | null): WorkflowRuntimeError | null {
  if (target !== null) {
    const step = env.byName.get(target);
    if (step === undefined) return new WorkflowRuntimeError(`sendEvent target "${target}" is not a step of ${env.workflow}`, { step: target });
    if (step.accepts.has(cls.typeName)) return null;
    return new WorkflowRuntimeError(`sendEvent target "${target}" (step "${step.name}") does not accept ${cls.typeName}; it accepts ${[...step.accepts].join(", ")}`, { step: step.name });
  }
  if (cls.recipients.length > 0) return null;
  const accepted = [...env.routes.keys()].sort();
  return new WorkflowRuntimeError(
    `${env.workflow} has no step that accepts ${cls.typeName}; the event was refused. ` +
      `Events this run accepts from outside: ${accepted.join(", ") || "none"}`,
  );
}

/** The error for sending to a run that has finished (or never started). */
export function finishedError(workflow: string, runId: string | null, status = "finished"): WorkflowRuntimeError {
  const which = runId === null ? "" : ` "${runId}"`;
  const error = new WorkflowRuntimeError(`${workflow} run${which} has ${status}; an event sent to it would never be handled, so it was refused`);
  return Object.defineProperty(error, FINISHED, { value: true });
}

const FINISHED = Symbol("flowspec.finishedRefusal");

/** Whether `error` is the refusal of an event sent to a run that had finished (`finishedError`), on any runtime. */
export function isFinishedRefusal(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { [FINISHED]?: true })[FINISHED] === true;
}

/** The failure tick of an attempt. */
export function failedTick(actx: { readonly stepName: string; readonly seq: number; readonly attempt: number }, error: unknown): AttemptFailedTick {
  return { type: "attempt_failed", step: actx.stepName, seq: actx.seq, attempt: actx.attempt, error };
}

/** The error for a step sending or returning an event its spec `emits` does not list, or null. */
export function emitError(step: StepEnv, cls: ClassInfo, how: "sent" | "returned"): WorkflowRuntimeError | null {
  if (step.emits.has(cls.typeName)) return null;
  const listed = [...step.emits].join(", ") || "nothing";
  return new WorkflowRuntimeError(`Step "${step.name}" ${how} ${cls.typeName}, which its spec does not list in emits (it emits ${listed})`, { step: step.name });
}
