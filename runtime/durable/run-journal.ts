// How a journaled run is recorded: the `RunRecorder` the journaled runner plugs into each run's
// driver. Ticks, attempts, stream writes and the outcome go through the group-commit writer; the
// stream is a replayable log; effects wait for their batch's commit (writer.ts states the promise).

import { contextStatus, encodeError, encodeEvent, encodeStatePatch, encodeTick, UnjournalableError, WorkflowCancelledError, type Event, type RunDriver, type RunRecorder, type RunState, type Tick } from "../backend.js";
import type { JournalEntry, JournalStatus, RunOutcome } from "./journal.js";
import type { JournaledRun, JournalWriter } from "./writer.js";
import { StreamLog } from "./stream-log.js";

/** How one run is journaled. */
export interface RunJournalOptions {
  readonly writer: JournalWriter;
  /** Next entry seq (the run's `lastSeq + 1`). */
  readonly entrySeq: number;
  /** Start attempts only after the batch that delivered their event committed. */
  readonly commitBeforeSteps: boolean;
  /** The first tick given to `begin` is already journaled (by `createRun`). */
  readonly firstTickJournaled: boolean;
  /** What the run's stream carried before (a resumed run). */
  readonly streamed: readonly Event[];
  /** Ticks replayed since the last snapshot. */
  readonly sinceSnapshot: number;
  /** Snapshot every this many ticks. */
  readonly snapshotEvery: number;
  /** Called once the run settled (the live-run registry). */
  readonly onSettled?: () => void;
}

/** One journaled run's recorder, and the writer's handle on it. */
export class RunJournal implements RunRecorder, JournaledRun {
  readonly runId: string;
  /** Next entry seq; the writer increments it. */
  entrySeq: number;
  /** Ticks since the last snapshot; the writer resets it. */
  sinceSnapshot: number;
  readonly snapshotEvery: number;
  /** The group-commit writer. */
  readonly writer: JournalWriter;
  /** Start attempts only after the batch that delivered their event committed. */
  readonly commitBeforeSteps: boolean;
  /** The run's replayable stream. */
  readonly stream: StreamLog;
  /** Where `streamEvents()` without `from` starts: where the last such reader stopped (at first, where this process joined). */
  cursor: number;
  /** The outcome recorded by `recordOutcome` (cleared when the journal failed). */
  outcome: RunOutcome | null = null;
  private skipRecord: boolean;
  private streamCount: number;
  private onSettled: (() => void) | undefined;

  constructor(
    private readonly driver: RunDriver,
    options: RunJournalOptions,
  ) {
    this.runId = driver.runId;
    this.entrySeq = options.entrySeq;
    this.sinceSnapshot = options.sinceSnapshot;
    this.snapshotEvery = options.snapshotEvery;
    this.writer = options.writer;
    this.commitBeforeSteps = options.commitBeforeSteps;
    this.skipRecord = options.firstTickJournaled;
    this.stream = new StreamLog(options.streamed);
    this.cursor = this.streamCount = options.streamed.length;
    this.onSettled = options.onSettled;
  }

  /**
   * Records a tick before the reducer applies it (`state`: the typed state it may replace). Throws
   * `UnjournalableError`, recording nothing, when a value in the tick cannot be written as JSON.
   */
  recordTick(tick: Tick, state: Record<string, unknown>): void {
    if (this.skipRecord) {
      this.skipRecord = false;
      return;
    }
    let entry: JournalEntry | null = null;
    try {
      // A state edit is journaled as a patch of the state it replaces (see tick-codec.ts).
      entry = { kind: "tick", tick: tick.type === "state_set" ? encodeStatePatch(state, tick.state) : encodeTick(tick) };
      this.writer.record(this, entry);
    } catch (error) {
      throw new UnjournalableError(entry ?? tick, error);
    }
  }

  /** With `commitBeforeSteps`, an attempt starts once the batch that delivered its event committed. */
  attemptDue(start: () => void): void {
    if (this.commitBeforeSteps) this.writer.afterFlush(this, start);
    else start();
  }

  /** Records an attempt start (for timelines). */
  attemptStarted(step: string, seq: number, attempt: number): void {
    this.writer.record(this, { kind: "attempt", step, seq, attempt });
  }

  /** Records a stream write; consumers see it once its batch committed. */
  writeStream(ev: Event): void {
    const log = this.stream;
    this.writer.record(this, { kind: "stream", index: this.streamCount++, event: encodeEvent(ev) });
    this.writer.afterFlush(this, () => log.write(ev));
  }

  /** Records the outcome (and the stop event as the stream's last entry); `settle` runs once that batch committed. */
  recordOutcome(error: Error | null, result: Event | null, settle: () => void): void {
    if (error === null) this.writer.record(this, { kind: "stream", index: this.streamCount++, event: encodeEvent(result!) });
    this.outcome = error === null ? { result: encodeEvent(result!) } : { error: encodeError(error) };
    this.writer.touch(this);
    this.writer.afterFlush(this, settle);
  }

  /** `{ from: n }` replays from the n-th event; without it, reading goes on where the last reader stopped. */
  streamEvents(options?: { readonly from?: number }): AsyncIterableIterator<Event> {
    if (options?.from !== undefined) return this.stream.consume(options.from);
    return this.stream.consume(this.cursor, (next) => (this.cursor = Math.max(this.cursor, next)));
  }

  settled(): void {
    const onSettled = this.onSettled;
    this.onSettled = undefined;
    onSettled?.();
  }

  /** JournaledRun: the status and outcome to record at flush. */
  journalState(): { status: JournalStatus; outcome: RunOutcome | null } {
    return journalStatus(this.driver.runState, this.outcome);
  }

  /** JournaledRun: the context as JSON text, without the (journaled) stream. */
  snapshotJSON(): string {
    return this.driver.snapshotJSON();
  }

  /** JournaledRun: the journal refused a batch; end the run with its error (or as cancelled from outside), now. */
  journalFailed(error: Error): void {
    const cancelled = error instanceof WorkflowCancelledError;
    const wrapped = cancelled ? error : new Error(`Journal write failed; run "${this.runId}" stopped (its journaled part stays resumable): ${error.message}`, { cause: error });
    this.outcome = null;
    this.driver.halt(wrapped, cancelled);
  }
}

/** A journaled run's status and outcome at flush (`outcome`: what `recordOutcome` recorded, if anything). */
export function journalStatus(run: RunState, outcome: RunOutcome | null): { status: JournalStatus; outcome: RunOutcome | null } {
  if (outcome !== null) {
    const status: JournalStatus = "result" in outcome ? "completed" : run.status === "cancelled" ? "cancelled" : "failed";
    return { status, outcome };
  }
  return { status: contextStatus(run) === "waiting" ? "waiting" : "running", outcome: null };
}
