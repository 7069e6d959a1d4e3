// The journaled runner: runs execute in this process (through the in-memory runner) with a
// `RunJournal` recording them, and continue from the journal after a crash (`resume`).

import {
  Event,
  snapshotOf,
  startEventOf,
  UnjournalableError,
  WorkflowValidationError,
  asError,
  encodeTick,
  shapeFingerprint,
  workflowInfo,
  workflowShape,
  type Context,
  type LocalRunner,
  type ResumeAllResult,
  type RunnerRunOptions,
  type SkippedRun,
  type Tick,
  type Workflow,
  type WorkflowHandler,
  type WorkflowRunner,
  type WorkflowShape,
} from "../backend.js";
import { RunExistsError, RunOwnedError, UNFINISHED, type Journal, type RunRecord } from "./journal.js";
import { JournalWriter } from "./writer.js";
import { RunJournal } from "./run-journal.js";
import { rebuildRun } from "./rebuild.js";
import { assertResumable } from "./resumable.js";
import { FinishedRun } from "./finished-run.js";

/** Per-workflow journal settings (`WorkflowOptions`). */
export interface JournaledRunnerOptions {
  /** Take a snapshot every this many ticks (default 1000), so resume cost stays bounded. */
  readonly snapshotEvery?: number;
  /** Start a step attempt only once the batch that delivered its event is committed (default true). */
  readonly commitBeforeSteps?: boolean;
}

/** The runner of a workflow constructed with `{ journal }`. */
export function journaledRunner(workflow: Workflow<any, any, any, any, any>, local: LocalRunner, journal: Journal, options: JournaledRunnerOptions = {}): WorkflowRunner {
  return new JournaledRunner(workflow, local, journal, options);
}

type AnyHandler = WorkflowHandler<any, any, any>;

class JournaledRunner implements WorkflowRunner {
  private readonly writer: JournalWriter;
  private readonly shape: WorkflowShape;
  private readonly fingerprint: string;
  private readonly snapshotEvery: number;
  private readonly commitBeforeSteps: boolean;
  /** Runs of this workflow instance that are live in this process, by runId. */
  private readonly live = new Map<string, AnyHandler>();
  private readonly name: string;

  constructor(
    private readonly workflow: Workflow<any, any, any, any, any>,
    private readonly local: LocalRunner,
    private readonly journal: Journal,
    options: JournaledRunnerOptions,
  ) {
    const info = workflowInfo(workflow);
    this.name = info.env.workflow;
    this.shape = workflowShape(info.definition);
    this.fingerprint = shapeFingerprint(this.shape);
    this.snapshotEvery = options.snapshotEvery ?? 1000;
    if (!(Number.isInteger(this.snapshotEvery) && this.snapshotEvery >= 1)) throw new TypeError(`snapshotEvery must be an integer >= 1, got ${this.snapshotEvery}`);
    this.commitBeforeSteps = options.commitBeforeSteps ?? true;
    this.writer = JournalWriter.of(journal);
  }

  /**
   * A journaled `run`: the run record (owned by this process) and its `run_started` tick are
   * written before it starts. Whatever goes wrong with the journal rejects the handler.
   */
  run(input: unknown, options: RunnerRunOptions): AnyHandler {
    const { ctx, runId, resume, ownCtx } = this.local.request(input, options);
    if (resume) {
      let record: RunRecord;
      try {
        record = this.takeOver(runId);
      } catch (error) {
        return this.local.failed(ctx, runId, error);
      }
      return this.start(ctx, runId, { type: "run_resumed", runId }, record.lastSeq + 1, false, [], record.createdAt);
    }
    const start = startEventOf(workflowInfo(this.workflow).definition, input);
    if (!(start instanceof Event)) return this.local.failed(ctx, runId, start);
    if (this.live.has(runId) || this.writer.drives(runId)) return this.local.failed(ctx, runId, new RunExistsError(runId, this.journal.location));
    const tick = { type: "run_started" as const, runId, start };
    const now = Date.now();
    try {
      // A context of the caller's (store or state set before, or earlier runs): journal it as snapshot 0, so replay starts from it.
      const seed = ownCtx ? { seq: 0, at: now, json: snapshotOf(ctx) } : undefined;
      this.journal.createRun(
        { runId, workflow: this.name, fingerprint: this.fingerprint, shape: this.shape, createdAt: now, lease: this.writer.lease() },
        [{ seq: 1, at: now, kind: "tick", json: this.startEntry(tick) }],
        seed,
      );
    } catch (error) {
      return this.local.failed(ctx, runId, error);
    }
    return this.start(ctx, runId, tick, 2, true, [], now);
  }

  /** The journal entry of a run's start; an unencodable start event is a validation error. */
  private startEntry(tick: Tick): string {
    try {
      return JSON.stringify({ kind: "tick", tick: encodeTick(tick) });
    } catch (error) {
      throw new WorkflowValidationError(this.name + " start event", [{ field: "", message: new UnjournalableError(tick, error).message }]);
    }
  }

  /**
   * Continues a journaled run (see `Workflow.resume`): a live run of this instance returns its
   * handler; a finished one settles as it did, running nothing.
   */
  resume(runId: string): AnyHandler {
    const live = this.live.get(runId);
    if (live !== undefined) return live;
    const record = this.takeOver(runId);
    const rebuilt = rebuildRun(this.workflow, this.journal, record, this.fingerprint);
    const ctx = rebuilt.ctx;
    if (rebuilt.finished !== null) return this.local.handler(new FinishedRun(ctx, runId, rebuilt.streamed, rebuilt.finished));
    if (rebuilt.upgraded) this.recordUpgrade(record, ctx);
    return this.start(ctx, runId, { type: "run_resumed", runId }, record.lastSeq + 1, false, rebuilt.streamed, record.createdAt, rebuilt.sinceSnapshot);
  }

  /** Resumes every unfinished run of this workflow in the journal; one that cannot be resumed is listed in `skipped`. */
  async resumeAll(): Promise<ResumeAllResult<AnyHandler>> {
    const runs = this.journal.list({ workflow: this.name, status: UNFINISHED });
    const handlers: AnyHandler[] = [];
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

  /** Starts a journaled run of `ctx` through the in-memory runner, with its recorder adopted by the writer before the first tick. */
  private start(ctx: Context<any>, runId: string, first: Parameters<LocalRunner["start"]>[2], entrySeq: number, firstTickJournaled: boolean, streamed: readonly Event[], startedAt: number, sinceSnapshot = 0): AnyHandler {
    const { writer, live } = this;
    let handler: AnyHandler | undefined;
    handler = this.local.start(ctx, runId, first, {
      startedAt,
      recorder: (driver) => {
        const recorder: RunJournal = new RunJournal(driver, {
          writer,
          entrySeq,
          commitBeforeSteps: this.commitBeforeSteps,
          firstTickJournaled,
          streamed,
          sinceSnapshot,
          snapshotEvery: this.snapshotEvery,
          onSettled: () => {
            writer.drop(recorder);
            if (handler !== undefined && live.get(runId) === handler) live.delete(runId);
          },
        });
        writer.adopt(recorder);
        return recorder;
      },
    });
    if (!handler.done) live.set(runId, handler);
    return handler;
  }

  /**
   * The record of a journaled run this instance may continue, taken over for this process when
   * it is unfinished. Throws when the run is unknown, of another version (`JournalMismatchError`),
   * or driven by someone else (`RunOwnedError`).
   */
  private takeOver(runId: string): RunRecord {
    const record = this.journal.getRun(runId);
    if (record === undefined) throw new Error(`No run "${runId}" in journal ${this.journal.location}`);
    assertResumable(this.journal, record, this.name, this.shape, this.fingerprint);
    if (record.outcome !== null && record.status !== "cancelled") return record; // replayed, not driven: no owner needed
    if (this.writer.drives(runId)) throw new RunOwnedError(runId, this.journal.location, null);
    const held = this.writer.claim(runId);
    if (held !== null) throw new RunOwnedError(runId, this.journal.location, held);
    return record;
  }

  /**
   * A run journaled by an earlier, compatible version was moved onto this one: journal its state
   * as a snapshot and this version's shape, atomically, before anything else happens, so a later
   * replay starts from there under this version's routing.
   */
  private recordUpgrade(record: RunRecord, ctx: Context<any>): void {
    const now = Date.now();
    const refused = this.journal.commit([
      {
        runId: record.runId,
        lease: this.writer.lease(),
        entries: [],
        status: record.status,
        updatedAt: now,
        outcome: null,
        snapshot: { seq: record.lastSeq, at: now, json: snapshotOf(ctx) },
        upgrade: { fingerprint: this.fingerprint, shape: this.shape },
      },
    ]);
    const problem = refused?.[0];
    if (problem !== undefined) throw new Error(`Run "${record.runId}" could not be moved onto this version: ${problem.reason}`);
  }
}
