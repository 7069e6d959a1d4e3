// `ctx.store`: the key/value store and the typed state. Reads come straight from the run state;
// writes become ticks, so they are journaled and replayed like everything else.

import { WorkflowRuntimeError } from "./errors.js";
import { WORKFLOW, type ContextInternals } from "./internals.js";
import { isThenable } from "./resources.js";
import type { Tick } from "./ticks.js";
import { reduce } from "./reduce.js";
import { createStateDraft } from "./state-draft.js";
import { parseState, parseStateFields } from "./validate.js";

/** The state an `editState` callback may modify: the state with its top-level `readonly` dropped. */
export type Draft<State> = { -readonly [K in keyof State]: State[K] };

/**
 * Applies a tick to a context: through its live run, or directly when no run is going (then a
 * failure the reducer reports is thrown to the caller, as there is no run to fail).
 */
export function submitToContext(ci: ContextInternals, tick: Tick): void {
  if (ci.driver !== null) {
    ci.driver.submit(tick);
    return;
  }
  if (ci.workflow[WORKFLOW].journaled && ci.run.status !== "idle") {
    // Applied here only, it would never reach the journal: a replay would silently lack it.
    throw new WorkflowRuntimeError(
      `${ci.env.workflow} run "${ci.run.runId}" is journaled and not live in this process: resume it first (flow.resume("${ci.run.runId}")), then send or write through its handler's ctx`,
    );
  }
  const commands = reduce(ci.run, tick, ci.env);
  for (const command of commands) if (command.type === "fail_run") throw command.error;
  ci.workflow[WORKFLOW].onTick?.(tick, { workflow: ci.env.workflow, runId: ci.run.runId });
}

/**
 * Who writes through a step's store: its attempt. Writes go through it so they are fenced (dropped
 * once the attempt or run ended) and journaled as the attempt's own.
 */
export interface StoreWriter {
  /** False once the attempt or its run ended. */
  readonly live: boolean;
  /** Applies a tick the attempt made. */
  submit(tick: Tick): void;
  /** Fails the run (an invalid state edit). */
  failRun(error: Error): void;
  /** Runs `fn` when the attempt ends (at once when it has). */
  onEnd(fn: () => void): void;
}

const FENCED = Symbol("fenced");

/**
 * A context's store. `get`/`set` hold any JSON value under any key; `getState`/`editState` hold
 * the spec's typed state. The copy a step sees is bound to its attempt: once the attempt or its
 * run ended, its writes are dropped (like its sends and stream writes).
 *
 * @example
 * ```ts
 * ctx.store.set("count", 1);
 * ctx.store.get("count");            // 1
 * ctx.store.get("missing", 0);       // 0
 * await ctx.store.editState((s) => { s.attempts += 1; });
 * ```
 */
export class ContextStore<State = Record<string, unknown>> {
  /** @internal */
  constructor(
    private readonly ci: ContextInternals,
    private readonly writer: StoreWriter | null,
  ) {}

  /** The value under `key`; `defaultValue` when missing; throws when missing and no default was given. */
  get<T = unknown>(key: string, ...defaultValue: [] | [T]): T {
    const store = this.ci.run.store;
    if (store.has(key)) return store.get(key) as T;
    if (defaultValue.length > 0) return defaultValue[0] as T;
    throw new Error(`The store has no key "${key}" and no default was given`);
  }

  /** Sets `key` (any JSON value). */
  set(key: string, value: unknown): void {
    const tick: Tick = { type: "store_set", key, value };
    if (this.writer === null) submitToContext(this.ci, tick);
    else if (this.writer.live) this.writer.submit(tick);
  }

  /** A deep copy of the typed state. */
  getState(): State {
    return structuredClone(this.ci.run.state) as State;
  }

  /**
   * Edits the typed state under the context's lock, so concurrent edits never lose an update.
   * The callback gets a draft to mutate (or returns a replacement); a callback that throws
   * commits nothing. A result that breaks the state schema rejects with
   * `WorkflowValidationError` (and fails the run). The draft copies only the top-level fields the
   * callback touches, and only those are validated again, so an edit costs what it touches.
   * A step's edit that has not settled when its attempt ends is dropped and frees the lock.
   */
  async editState(edit: (draft: Draft<State>) => void | State | Promise<void | State>): Promise<void> {
    const ci = this.ci;
    const writer = this.writer;
    await ci.mutex.acquire();
    try {
      if (writer !== null && !writer.live) return;
      const schema = ci.workflow[WORKFLOW].definition.state;
      const draft = createStateDraft(ci.run.state);
      const pending = edit(draft.draft as Draft<State>);
      const returned = writer === null ? await pending : await untilEnd(pending, writer);
      if (returned === FENCED || (writer !== null && !writer.live)) return;
      const parsed = returned === undefined ? parseStateFields(schema, draft.result(), draft.touched) : parseState(schema, returned);
      if (!parsed.ok) {
        // A step's invalid edit fails its run; an edit from outside only rejects.
        writer?.failRun(parsed.error);
        throw parsed.error;
      }
      const tick: Tick = { type: "state_set", state: parsed.state };
      if (writer === null) submitToContext(ci, tick);
      else writer.submit(tick);
    } finally {
      ci.mutex.release();
    }
  }
}

/** `value`, or FENCED as soon as the writer's attempt ends (so a callback that never settles cannot hold the lock). */
function untilEnd<T>(value: T | PromiseLike<T>, writer: StoreWriter): Promise<T | typeof FENCED> {
  if (!isThenable(value)) return Promise.resolve(value as T);
  return new Promise((resolve, reject) => {
    writer.onEnd(() => resolve(FENCED));
    value.then(resolve, reject);
  });
}
