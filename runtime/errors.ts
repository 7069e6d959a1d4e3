// The errors a run can end with. Each sets `name` to its class name so it survives logging and
// structured-clone boundaries recognisably.

/**
 * The run exceeded its timeout. `activeSteps` lists the steps that were still running or waiting
 * to retry.
 *
 * @example
 * ```ts
 * try { await handler; } catch (e) { if (e instanceof WorkflowTimeoutError) console.log(e.activeSteps); }
 * ```
 */
export class WorkflowTimeoutError extends Error {
  override readonly name = "WorkflowTimeoutError";
  /** Seconds the run (or step attempt) was allowed. */
  readonly timeout: number;
  /** Steps still active when the timeout fired. */
  readonly activeSteps: readonly string[];
  constructor(message: string, timeout: number, activeSteps: readonly string[]) {
    super(message);
    this.timeout = timeout;
    this.activeSteps = activeSteps;
  }
}

/**
 * The run was cancelled with `handler.cancel()`.
 *
 * @example
 * ```ts
 * handler.cancel(); await handler.catch((e) => e instanceof WorkflowCancelledError); // true
 * ```
 */
export class WorkflowCancelledError extends Error {
  override readonly name = "WorkflowCancelledError";
  constructor(message = "The workflow run was cancelled") {
    super(message);
  }
}

/**
 * A step failed after its retries (`cause` is the last attempt's error), returned something that
 * is not an event, or sent to a step that does not exist or does not accept the event.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof WorkflowRuntimeError) console.log(e.step, e.cause); }
 * ```
 */
export class WorkflowRuntimeError extends Error {
  override readonly name = "WorkflowRuntimeError";
  /** The step involved, as the spec names it, when there is one. */
  readonly step: string | undefined;
  constructor(message: string, options: { step?: string; cause?: unknown } = {}) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    this.step = options.step;
  }
}

/** One problem zod found, reduced to what a message needs. */
export interface ValidationIssue {
  /** Dotted path of the field (`"critique.score"`), `""` for the value itself. */
  readonly field: string;
  readonly message: string;
}

/**
 * An event payload, or the typed state, breaks its zod schema. The message names the event (or
 * `state`) and the first offending field.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof WorkflowValidationError) console.log(e.target, e.field); }
 * ```
 */
export class WorkflowValidationError extends Error {
  override readonly name = "WorkflowValidationError";
  /** The event's type name, or `"state"`. */
  readonly target: string;
  /** The first offending field's dotted path. */
  readonly field: string;
  readonly issues: readonly ValidationIssue[];
  constructor(target: string, issues: readonly ValidationIssue[]) {
    const first = issues[0] ?? { field: "", message: "invalid" };
    const where = first.field === "" ? "" : ` field "${first.field}"`;
    super(`Invalid ${target}:${where} ${first.message}`);
    this.target = target;
    this.field = first.field;
    this.issues = issues;
  }
}

/**
 * A journal was written by another version of the workflow (a step or event renamed or removed);
 * it is refused rather than replayed wrongly. Thrown by durable runs.
 *
 * @example
 * ```ts
 * throw new JournalMismatchError("step generate_joke is unknown", ["generate_joke"]);
 * ```
 */
export class JournalMismatchError extends Error {
  override readonly name = "JournalMismatchError";
  /** The names (steps, events) that differ. */
  readonly differences: readonly string[];
  constructor(message: string, differences: readonly string[] = []) {
    super(message);
    this.differences = differences;
  }
}
