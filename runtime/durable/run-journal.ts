// The journaled side of a run driver: records ticks, attempts, stream writes and the outcome through the group-commit writer.

import type { Event } from "./event.js";
import { WorkflowRuntimeError } from "./errors.js";
import type { JournalEntry, JournalStatus, RunOutcome } from "./journal.js";
import { describeThrown, findUnencodable } from "./thrown.js";
import type { JournaledRun, JournalWriter } from "./journal-writer.js";
import { contextStatus, type RunState } from "./run-state.js";
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
  /** Snapshot every this many ticks. */
  readonly snapshotEvery: number;
  /** Called once the run settled (the live-run registry). */
  readonly onSettled?: () => void;
  /** When the run started (ms since the epoch): its timeout counts from there, across resumes. */
  readonly startedAt?: number;
}

/** One journaled run's recording state; `run` is the driver (the writer's key). */
export class RunJournal {
  /** The group-commit writer. */
  readonly writer: JournalWriter;
  /** Start attempts only after the batch that delivered their event committed. */
  readonly commitBeforeSteps: boolean;
  /** The run's replayable stream. */
  readonly log: StreamLog;
  /** Where `streamEvents()` without `from` starts: where the last such reader stopped (at first, where this process joined). */
  cursor: number;
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
    this.cursor = this.streamCount = options.streamed.length;
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
      this.writer.record(this.run, entry);
    } catch (error) {
      throw new UnjournalableError(entry ?? tick, error);
    }
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

/**
 * A tick holds a value that cannot be journaled (a cycle, a BigInt, a throwing getter, a revoked
 * Proxy). The driver turns it into the failure of the attempt that produced it, never a crash.
 */
export class UnjournalableError extends Error {
  override readonly name = "UnjournalableError";
  /** Where in the tick the value is, e.g. `JokeWritten.payload.self`, and why it cannot be written. */
  readonly where: string;

  constructor(entry: JournalEntry | Tick, cause: unknown) {
    const found = findUnencodable(entry);
    const where = found === null ? `a value (${describeThrown(cause)})` : `${readablePath(found.path, entry)} is ${found.reason}`;
    super(`cannot be journaled: ${where}`, { cause });
    this.where = where;
  }

  /** The error an attempt of `step` fails with. */
  forStep(step: string): WorkflowRuntimeError {
    return new WorkflowRuntimeError(`Step "${step}" produced a value that cannot be journaled: ${this.where}`, { step });
  }
}

/** `tick.event.data.a.b` → `JokeWritten field a.b`: the path named after what the user wrote. */
function readablePath(path: string, entry: JournalEntry | Tick): string {
  const p = path.replace(/^tick\./, "");
  const field = /^(event|result|start|add\.event)(?:\.data)?(?:\.(.*))?$/.exec(p);
  if (field !== null) {
    const tick = ("tick" in entry ? entry.tick : entry) as unknown as Record<string, { type?: unknown; constructor?: { typeName?: unknown } } | undefined>;
    const ev = field[1] === "add.event" ? (tick.add as unknown as Record<string, typeof tick.event>)?.event : tick[field[1]!];
    const type = typeof ev?.type === "string" ? ev.type : typeof ev?.constructor?.typeName === "string" ? ev.constructor.typeName : "the event";
    return field[2] === undefined ? String(type) : `${String(type)} field ${field[2]}`;
  }
  const state = /^(?:state|set)(?:\.(.*))?$/.exec(p);
  if (state !== null) return state[1] === undefined ? "the state" : `state field ${state[1]}`;
  if (p.startsWith("value")) return `the store value${p.slice(5)}`;
  return p;
}

/** A journaled run's status and outcome at flush (`outcome`: what `recordOutcome` recorded, if anything). */
export function journalStatus(run: RunState, outcome: RunOutcome | null): { status: JournalStatus; outcome: RunOutcome | null } {
  if (outcome !== null) {
    const status: JournalStatus = "result" in outcome ? "completed" : run.status === "cancelled" ? "cancelled" : "failed";
    return { status, outcome };
  }
  return { status: contextStatus(run) === "waiting" ? "waiting" : "running", outcome: null };
}
