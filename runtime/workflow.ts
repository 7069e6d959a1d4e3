// The base class of every generated `<X>Base`. It holds the resolved definition and options and
// starts runs; everything else happens in the driver.

import { randomUUID } from "node:crypto";
import { Context } from "./context.js";
import type { ResourceDefinition, WorkflowDefinition } from "./definition.js";
import { RunDriver } from "./driver.js";
import { Event } from "./event.js";
import { WorkflowHandler } from "./handler.js";
import { CONTEXT, WORKFLOW, type TickSink, type WorkflowInternals } from "./internals.js";
import { buildRunEnv } from "./routing.js";
import { RESUMABLE } from "./run-state.js";
import { startEventOf } from "./event-codec.js";
import { snapshotText } from "./serialize.js";
import { rebuildRun, type DurableBinding } from "./durable.js";
import { assertResumable } from "./resumable.js";
import { RunExistsError, RunOwnedError, shapeFingerprint, UNFINISHED, workflowShape, type Journal, type RunRecord } from "./journal.js";
import { JournalWriter } from "./journal-writer.js";
import { UnjournalableError } from "./driver-journal.js";
import { WorkflowValidationError } from "./errors.js";
import { asError } from "./thrown.js";
import { encodeTick } from "./tick-codec.js";

/** Construction-time replacements for resource factories, by resource name. */
export type ResourceOverrides<Resources> = { readonly [K in keyof Resources]?: () => Resources[K] | Promise<Resources[K]> };

/** Options of a workflow's constructor. */
export interface WorkflowOptions<Resources = Record<string, never>> {
  /** Seconds for a whole run; `null` for none. Default: the definition's timeout, else 45. */
  readonly timeout?: number | null;
  /** Log steps and run ends to the console. */
  readonly verbose?: boolean;
  /** Replacement factories (fakes in tests, configured clients in apps); each keeps its `cache` setting. */
  readonly resources?: ResourceOverrides<Resources>;
  /** Receives every tick of every run, before its effects leave the process (the journal hook). */
  readonly onTick?: TickSink;
  /** Runs this workflow elsewhere (`flowspec/dbos`'s `DbosRuntime`); default: in this process. */
  readonly runtime?: WorkflowRuntime;
  /**
   * Makes runs durable: every tick is appended to this journal (`SqliteJournal` from
   * `flowspec/sqlite`) before its effects leave the process; `resume(runId)` and `resumeAll()`
   * continue runs after a crash. See docs/durable.md.
   */
  readonly journal?: Journal;
  /** Journaled runs: take a snapshot every this many ticks (default 1000), so resume cost stays bounded. */
  readonly snapshotEvery?: number;
  /**
   * Journaled runs: start a step attempt only once the batch that delivered its event is
   * committed (default true). false: attempts start at once (faster; see docs/durable.md).
   */
  readonly commitBeforeSteps?: boolean;
}

/**
 * A runtime that takes over a workflow's runs (`flowspec/dbos`). `attach` is called once, at the
 * end of the workflow's constructor; it may replace the instance's `run` (and add `resume`), and
 * may return a tick sink that then sees every tick of the instance's runs, after `onTick`.
 */
export interface WorkflowRuntime {
  attach(workflow: Workflow<any, any, any, any>): TickSink | void;
}

/** Options of `run`. */
export interface RunOptions<State = Record<string, unknown>> {
  /** Run in this context (store and state persist across runs); resumes it when it is paused. */
  readonly ctx?: Context<State>;
  /** The run's id; default: the resumed run's, else a random UUID. */
  readonly runId?: string;
}

/** Options of `run(undefined, { ctx })`, which resumes a paused, cancelled or timed-out context. */
export interface ResumeOptions<State = Record<string, unknown>> extends RunOptions<State> {
  readonly ctx: Context<State>;
}

const DEFAULT_TIMEOUT = 45;

function resolveTimeout(definition: WorkflowDefinition, options: WorkflowOptions<unknown>): number | null {
  const timeout = options.timeout !== undefined ? options.timeout : definition.timeout !== undefined ? definition.timeout : DEFAULT_TIMEOUT;
  if (timeout !== null && !(typeof timeout === "number" && timeout >= 0)) {
    throw new TypeError(`Workflow ${definition.name}: timeout must be a number of seconds >= 0, or null; got ${String(timeout)}`);
  }
  return timeout;
}

function resolveResources(definition: WorkflowDefinition, overrides: Readonly<Record<string, unknown>>): Record<string, ResourceDefinition> {
  const resources: Record<string, ResourceDefinition> = { ...definition.resources };
  for (const [name, factory] of Object.entries(overrides)) {
    const def = definition.resources[name];
    if (def === undefined) throw new TypeError(`Workflow ${definition.name} has no resource "${name}" to override`);
    if (typeof factory !== "function") throw new TypeError(`Resource override "${name}" must be a factory function`);
    resources[name] = { factory: factory as () => unknown, cache: def.cache };
  }
  return resources;
}

/**
 * Base class of generated workflows. `State` is the typed state, `Resources` the resource types
 * by name, `StartInput` the start event's fields (`X | void` when none is required), `Result`
 * what a run resolves to and `Streamed` what its stream yields.
 *
 * @example
 * ```ts
 * class JokeFlow extends JokeFlowBase { async generateJoke(ev, ctx, { llm }) { … } … }
 * const result = await new JokeFlow({ timeout: 60 }).run({ topic: "pirates" });
 * ```
 */
export abstract class Workflow<State = Record<string, never>, Resources = Record<string, never>, StartInput = void, Result = unknown, Streamed extends Event = Event> {
  /** @internal */
  readonly [WORKFLOW]: WorkflowInternals;
  /** Phantom: carries `State` for inference; never set. */
  declare readonly __state?: State;
  /** @internal The journal binding of a durable workflow. */
  readonly #durable: DurableBinding | null;

  constructor(definition: WorkflowDefinition, options: WorkflowOptions<Resources> = {}) {
    if (options.journal !== undefined) {
      const shape = workflowShape(definition);
      const snapshotEvery = options.snapshotEvery ?? 1000;
      if (!(Number.isInteger(snapshotEvery) && snapshotEvery >= 1)) throw new TypeError(`snapshotEvery must be an integer >= 1, got ${snapshotEvery}`);
      this.#durable = {
        journal: options.journal,
        writer: JournalWriter.of(options.journal),
        snapshotEvery,
        shape,
        fingerprint: shapeFingerprint(shape),
        commitBeforeSteps: options.commitBeforeSteps ?? true,
        live: new Map(),
      };
    } else this.#durable = null;
    this[WORKFLOW] = Object.freeze({
      definition,
      env: buildRunEnv(definition),
      timeout: resolveTimeout(definition, options),
      verbose: options.verbose ?? false,
      resources: Object.freeze(resolveResources(definition, (options.resources ?? {}) as Readonly<Record<string, unknown>>)),
      onTick: options.runtime === undefined ? options.onTick : (tick, info) => (options.onTick?.(tick, info), runtimeSink?.(tick, info)),
      journaled: this.#durable !== null,
    });
    let runtimeSink: TickSink | undefined;
    runtimeSink = options.runtime?.attach(this) ?? undefined;
  }

  /**
   * Starts a run with the start event's fields (or a start event instance) and returns its
   * handler. With `{ ctx }` the run uses that context; `run(undefined, { ctx })` on a paused,
   * cancelled or timed-out context resumes it. A context whose run is still going is refused
   * (throws). An invalid start payload rejects the handler with `WorkflowValidationError`.
   */
  run(input: StartInput, options?: RunOptions<State>): WorkflowHandler<Result, State, Streamed>;
  /** Resumes the context's paused, cancelled or timed-out run (or, on a finished one, starts with no input). */
  run(input: undefined, options: ResumeOptions<State>): WorkflowHandler<Result, State, Streamed>;
  run(input: StartInput | undefined, options: RunOptions<State> = {}): WorkflowHandler<Result, State, Streamed> {
    const wi = this[WORKFLOW];
    const ctx = options.ctx ?? new Context<State>(this);
    const ci = ctx[CONTEXT];
    if (ci.workflow[WORKFLOW].definition !== wi.definition) {
      throw new TypeError(`This context belongs to workflow ${ci.env.workflow}, not ${wi.env.workflow}`);
    }
    if (ci.driver !== null) {
      throw new Error(`${wi.env.workflow}: this context's run is still going; a second run on it is refused`);
    }
    const resume = input === undefined && RESUMABLE.has(ci.run.status);
    const runId = options.runId ?? (resume ? ci.run.runId : null) ?? randomUUID();
    const durable = this.#durable;
    if (durable !== null) return this.runDurable(durable, ctx, input, runId, resume, options.ctx !== undefined);
    const driver = new RunDriver(this, ci, ctx, runId);
    ci.driver = driver;
    if (resume) {
      driver.begin({ type: "run_resumed", runId });
    } else {
      const start = startEventOf(wi.definition, input);
      if (start instanceof Event) driver.begin({ type: "run_started", runId, start });
      else driver.failEarly(start);
    }
    return new WorkflowHandler<Result, State, Streamed>(driver);
  }

  /**
   * A journaled `run`: the run record (owned by this process) and its `run_started` tick are
   * written before it starts. Whatever goes wrong with the journal rejects the handler.
   */
  private runDurable(d: DurableBinding, ctx: Context<State>, input: StartInput | undefined, runId: string, resume: boolean, ownCtx: boolean): WorkflowHandler<Result, State, Streamed> {
    const wi = this[WORKFLOW];
    if (resume) {
      let record: RunRecord;
      try {
        record = this.takeOver(d, runId);
      } catch (error) {
        return this.failedRun(ctx, runId, error);
      }
      return this.startDurable(d, ctx, runId, { type: "run_resumed", runId }, record.lastSeq + 1, false, [], record.createdAt);
    }
    const start = startEventOf(wi.definition, input);
    if (!(start instanceof Event)) return this.failedRun(ctx, runId, start);
    if (d.live.has(runId) || d.writer.drives(runId)) return this.failedRun(ctx, runId, new RunExistsError(runId, d.journal.location));
    const tick = { type: "run_started" as const, runId, start };
    const now = Date.now();
    try {
      // A context of the caller's (store or state set before, or earlier runs): journal it as snapshot 0, so replay starts from it.
      const seed = ownCtx ? { seq: 0, at: now, json: snapshotText(ctx[CONTEXT]) } : undefined;
      let json: string;
      try {
        json = JSON.stringify({ kind: "tick", tick: encodeTick(tick) });
      } catch (error) {
        throw new WorkflowValidationError(wi.env.workflow + " start event", [{ field: "", message: new UnjournalableError(tick, error).message }]);
      }
      d.journal.createRun(
        { runId, workflow: wi.env.workflow, fingerprint: d.fingerprint, shape: d.shape, createdAt: now, lease: d.writer.lease() },
        [{ seq: 1, at: now, kind: "tick", json }],
        seed,
      );
    } catch (error) {
      return this.failedRun(ctx, runId, error);
    }
    return this.startDurable(d, ctx, runId, tick, 2, true, [], now);
  }

  /** A handler that rejects with `error` at once (the run never started). */
  private failedRun(ctx: Context<State>, runId: string, error: unknown): WorkflowHandler<Result, State, Streamed> {
    const ci = ctx[CONTEXT];
    const driver = new RunDriver(this, ci, ctx, runId);
    ci.driver = driver;
    driver.failEarly(asError(error));
    return new WorkflowHandler<Result, State, Streamed>(driver);
  }

  /**
   * The record of a journaled run this instance may continue, taken over for this process when
   * it is unfinished. Throws when the run is unknown, of another version (`JournalMismatchError`),
   * or driven by someone else (`RunOwnedError`).
   */
  private takeOver(d: DurableBinding, runId: string): RunRecord {
    const wi = this[WORKFLOW];
    const record = d.journal.getRun(runId);
    if (record === undefined) throw new Error(`No run "${runId}" in journal ${d.journal.location}`);
    assertResumable(d.journal, record, wi.env.workflow, d.shape, d.fingerprint);
    if (record.outcome !== null && record.status !== "cancelled") return record; // replayed, not driven: no owner needed
    if (d.writer.drives(runId)) throw new RunOwnedError(runId, d.journal.location, null);
    const held = d.writer.claim(runId);
    if (held !== null) throw new RunOwnedError(runId, d.journal.location, held);
    return record;
  }

  private startDurable(
    d: DurableBinding,
    ctx: Context<State>,
    runId: string,
    tick: Parameters<RunDriver["begin"]>[0],
    entrySeq: number,
    firstTickJournaled: boolean,
    streamed: readonly Event[],
    startedAt: number,
    sinceSnapshot = 0,
  ): WorkflowHandler<Result, State, Streamed> {
    const ci = ctx[CONTEXT];
    let handler: WorkflowHandler<Result, State, Streamed>;
    const driver: RunDriver = new RunDriver(this, ci, ctx, runId, {
      writer: d.writer,
      entrySeq,
      commitBeforeSteps: d.commitBeforeSteps,
      firstTickJournaled,
      streamed,
      sinceSnapshot,
      snapshotEvery: d.snapshotEvery,
      startedAt,
      onSettled: () => {
        d.writer.drop(driver);
        if (d.live.get(runId) === handler) d.live.delete(runId);
      },
    });
    handler = new WorkflowHandler<Result, State, Streamed>(driver);
    d.live.set(runId, handler as WorkflowHandler<any, any>);
    d.writer.adopt(driver);
    ci.driver = driver;
    driver.begin(tick);
    return handler;
  }

  /**
   * Continues a journaled run: rebuilds it from the journal (latest snapshot, then the ticks after
   * it) and re-dispatches unfinished work (in-flight attempts run again). A run that already
   * finished runs nothing and settles as it did. A run of this instance that is still live returns
   * its handler. Throws when the run is unknown, `JournalMismatchError` when it was journaled by
   * another version of the workflow, and `RunOwnedError` when another handler drives it (another
   * instance in this process, or another process whose lease has not lapsed).
   *
   * @example
   * ```ts
   * const handler = flow.resume("joke-42");
   * handler.ctx.sendEvent(new HumanResponseEvent({ response: "yes" }));
   * ```
   */
  resume(runId: string): WorkflowHandler<Result, State, Streamed> {
    const d = this.#durable;
    if (d === null) throw new Error(`${this[WORKFLOW].env.workflow}: resume() needs a journal (new ${this[WORKFLOW].env.workflow}({ journal }))`);
    const live = d.live.get(runId);
    if (live !== undefined) return live as WorkflowHandler<Result, State, Streamed>;
    const record = this.takeOver(d, runId);
    const rebuilt = rebuildRun(this as unknown as Workflow<any, any, any, any>, d.journal, record, d.fingerprint);
    const ctx = rebuilt.ctx as Context<State>;
    if (rebuilt.upgraded && rebuilt.finished === null) this.recordUpgrade(d, record, ctx);
    if (rebuilt.finished !== null) {
      const driver = new RunDriver(this, ctx[CONTEXT], ctx, runId, {
        writer: d.writer,
        entrySeq: record.lastSeq + 1,
        commitBeforeSteps: d.commitBeforeSteps,
        firstTickJournaled: false,
        streamed: rebuilt.streamed,
        sinceSnapshot: 0,
        snapshotEvery: d.snapshotEvery,
      });
      driver.settleReplayed(rebuilt.finished.error, rebuilt.finished.result);
      return new WorkflowHandler<Result, State, Streamed>(driver);
    }
    return this.startDurable(d, ctx, runId, { type: "run_resumed", runId }, record.lastSeq + 1, false, rebuilt.streamed, record.createdAt, rebuilt.sinceSnapshot);
  }

  /**
   * A run journaled by an earlier, compatible version was moved onto this one: journal its state
   * as a snapshot and this version's shape, atomically, before anything else happens, so a later
   * replay starts from there under this version's routing.
   */
  private recordUpgrade(d: DurableBinding, record: RunRecord, ctx: Context<State>): void {
    const now = Date.now();
    const refused = d.journal.commit([
      {
        runId: record.runId,
        lease: d.writer.lease(),
        entries: [],
        status: record.status,
        updatedAt: now,
        outcome: null,
        snapshot: { seq: record.lastSeq, at: now, json: snapshotText(ctx[CONTEXT]) },
        upgrade: { fingerprint: d.fingerprint, shape: d.shape },
      },
    ]);
    const problem = refused?.[0];
    if (problem !== undefined) throw new Error(`Run "${record.runId}" could not be moved onto this version: ${problem.reason}`);
  }

  /**
   * Resumes every unfinished (running or waiting) run of this workflow in the journal. Resolves
   * with the handlers of the runs it resumed (await them for the results); runs already live in
   * this instance are returned as they are. A run it cannot resume (another version of the spec,
   * another owner, a damaged entry) does not stop the others: it is listed in `skipped` with its
   * error.
   */
  async resumeAll(): Promise<ResumeAllResult<WorkflowHandler<Result, State, Streamed>>> {
    const d = this.#durable;
    if (d === null) throw new Error(`${this[WORKFLOW].env.workflow}: resumeAll() needs a journal`);
    const runs = d.journal.list({ workflow: this[WORKFLOW].env.workflow, status: UNFINISHED });
    const handlers: WorkflowHandler<Result, State, Streamed>[] = [];
    const skipped: SkippedRun[] = [];
    for (const r of runs) {
      try {
        handlers.push(this.resume(r.runId));
      } catch (error) {
        skipped.push({ runId: r.runId, error: asError(error) });
      }
    }
    return Object.assign(handlers, { skipped });
  }
}

/** A run `resumeAll()` could not resume, and why. */
export interface SkippedRun {
  readonly runId: string;
  readonly error: Error;
}

/** What `resumeAll()` resolves with: the resumed runs' handlers, plus the runs it skipped. */
export type ResumeAllResult<H> = H[] & { readonly skipped: readonly SkippedRun[] };

