// The journaled side of a run driver: records ticks, attempts, stream writes and the outcome through the group-commit writer.

import type { Event } from "./event.js";
import type { JournalStatus, RunOutcome } from "./journal.js";
import type { JournaledRun, JournalWriter } from "./journal-writer.js";
import type { RunState } from "./run-state.js";
import { StreamLog } from "./stream-log.js";
import type { Tick } from "./ticks.js";
import { encodeError, encodeEvent, encodeStatePatch, encodeTick } from "./tick-codec.js";

/** How a driver journals its run (absent: in memory only). */
export interface DriverJournalOptions {
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
  /** Called once the run settled (the live-run registry). */
  readonly onSettled?: () => void;
}

/** One journaled run's recording state; `run` is the driver (the writer's key). */
export class RunJournal {
  /** The group-commit writer. */
  readonly writer: JournalWriter;
  /** Start attempts only after the batch that delivered their event committed. */
  readonly commitBeforeSteps: boolean;
  /** The run's replayable stream. */
  readonly log: StreamLog;
  /** Where `streamEvents()` starts by default: what this handler's process has not seen. */
  readonly streamBase: number;
  /** The outcome recorded by `recordOutcome` (cleared when the journal failed). */
  outcome: RunOutcome | null = null;
  private skipRecord: boolean;
  private streamCount: number;

  constructor(
    private readonly run: JournaledRun,
    options: DriverJournalOptions,
  ) {
    this.writer = options.writer;
    this.commitBeforeSteps = options.commitBeforeSteps;
    this.skipRecord = options.firstTickJournaled;
    this.log = new StreamLog(options.streamed);
    this.streamBase = this.streamCount = options.streamed.length;
  }

  /** Records a tick before the reducer applies it (`state`: the typed state it may replace). */
  recordTick(tick: Tick, state: Record<string, unknown>): void {
    if (this.skipRecord) this.skipRecord = false;
    // A state edit is journaled as a patch of the state it replaces (see tick-codec.ts).
    else this.writer.record(this.run, { kind: "tick", tick: tick.type === "state_set" ? encodeStatePatch(state, tick.state) : encodeTick(tick) });
  }

  /** Records an attempt start (for timelines). */
  recordAttempt(step: string, seq: number, attempt: number): void {
    this.writer.record(this.run, { kind: "attempt", step, seq, attempt });
  }

  /** Records a stream write; consumers see it once its batch committed. */
  writeStream(ev: Event): void {
    const log = this.log;
    this.writer.record(this.run, { kind: "stream", index: this.streamCount++, event: encodeEvent(ev) });
    this.writer.afterFlush(this.run, () => log.write(ev));
  }

  /** Records the outcome (and the stop event as the stream's last entry); `settle` runs once that batch committed. */
  recordOutcome(error: Error | null, result: Event | null, settle: () => void): void {
    if (error === null) this.writer.record(this.run, { kind: "stream", index: this.streamCount++, event: encodeEvent(result!) });
    this.outcome = error === null ? { result: encodeEvent(result!) } : { error: encodeError(error) };
    this.writer.touch(this.run);
    this.writer.afterFlush(this.run, settle);
  }
}

/** A journaled run's status and outcome at flush (`outcome`: what `recordOutcome` recorded, if anything). */
export function journalStatus(run: RunState, outcome: RunOutcome | null): { status: JournalStatus; outcome: RunOutcome | null } {
  if (outcome !== null) {
    const status: JournalStatus = "result" in outcome ? "completed" : run.status === "cancelled" ? "cancelled" : "failed";
    return { status, outcome };
  }
  for (const st of run.steps) if (st.active.length > 0 || st.queue.length > 0) return { status: "running", outcome: null };
  return { status: "waiting", outcome: null };
}
