// Group commit: the ticks of one event-loop turn, across every journaled run of the process that
// shares a journal, go to the journal in one `commit` (one SQLite transaction).
//
// THE PROMISE (what "journaled before its effects leave the process" means here):
//  1. Every tick that changes a run is recorded (serialized to JSON) synchronously, before the
//     reducer applies it, and committed in the batch of the event-loop turn it happened in
//     (flushed from `setImmediate`, so all ticks of one turn share one transaction).
//  2. Externally visible effects wait for the commit of the batch that caused them: a stream
//     consumer sees an event, and the handler resolves or rejects, only after the batch holding
//     that event (and everything before it) is durable. They are released in their original order.
//  3. With `commitBeforeSteps` (the default) a step attempt also starts only after the batch that
//     delivered its event committed, so no step body ever acts on an event the journal could
//     lose. Without it, attempts start at once (faster; a crash may then re-run a step whose
//     triggering event was not yet durable: still at least once, with the same replayed outcome).
//  4. A batch is atomic: a crash loses whole batches at the end, never a partial one, and the
//     journal always holds a prefix of the run's ticks (so replay is consistent).
//  5. A commit that fails (disk full, a locked file) fails the runs in that batch with that
//     error, releasing none of their pending effects; their journaled prefix stays resumable.
//     A run the journal leaves out of a batch (another owner took it over) fails alone; the
//     other runs of the batch commit.
//  6. The writer is the owner of the runs it drives (lease.ts): every batch renews their leases,
//     and a timer renews the leases of runs with nothing to write (a run waiting for a human).

import type { Journal, JournalEntry, JournalStatus, RunBatch, RunLease, RunOutcome, StoredEntry } from "./journal.js";
import { WorkflowCancelledError } from "../backend.js";
import { LEASE_MS, newOwner, ownerIsDead, type LeaseHolder } from "./lease.js";

/** What the writer needs from a journaled run (the driver implements it). */
export interface JournaledRun {
  readonly runId: string;
  /** Next entry seq; the writer increments it. */
  entrySeq: number;
  /** Ticks since the last snapshot; the writer resets it. */
  sinceSnapshot: number;
  /** Take a snapshot once this many ticks were journaled since the last one. */
  readonly snapshotEvery: number;
  /** The run's status and outcome now (at flush, after every recorded tick was applied). */
  journalState(): { status: JournalStatus; outcome: RunOutcome | null };
  /** The run's `ContextJSON` as JSON text (for snapshots). */
  snapshotJSON(): string;
  /** The journal refused a batch: end the run with this error. */
  journalFailed(error: Error): void;
}

interface Pending {
  entries: StoredEntry[];
}

const writers = new WeakMap<Journal, JournalWriter>();

/** The group-commit writer of a journal (one per journal object, shared by every workflow using it), and the owner of the runs it drives. */
export class JournalWriter implements LeaseHolder {
  /** This writer's owner name in leases. */
  readonly owner: string;
  private pending = new Map<JournaledRun, Pending>();
  private effects: { run: JournaledRun; fn: () => void }[] = [];
  private scheduled: ReturnType<typeof setImmediate> | null = null;
  /** The runs this writer drives, by runId: the process-wide registry for this journal. */
  private readonly driving = new Map<string, JournaledRun>();
  private renewal: ReturnType<typeof setInterval> | null = null;

  private constructor(readonly journal: Journal) {
    this.owner = newOwner(this);
  }

  /** The writer of `journal` (created on first use). */
  static of(journal: Journal): JournalWriter {
    let w = writers.get(journal);
    if (w === undefined) writers.set(journal, (w = new JournalWriter(journal)));
    return w;
  }

  /** LeaseHolder: whether this writer drives `runId`. */
  drives(runId: string): boolean {
    return this.driving.has(runId);
  }

  /** A lease for this writer, from now. */
  lease(): RunLease {
    return { owner: this.owner, until: Date.now() + LEASE_MS };
  }

  /** Takes `runId` for this writer: null when taken, else the lease in force (another owner drives it). */
  claim(runId: string): RunLease | null {
    return this.journal.claim(runId, this.lease(), (held) => ownerIsDead(runId, held));
  }

  /** `run` is live: this writer drives it until `drop`. */
  adopt(run: JournaledRun): void {
    this.driving.set(run.runId, run);
    if (this.renewal === null) {
      this.renewal = setInterval(() => {
        for (const r of this.driving.values()) this.touch(r);
      }, LEASE_MS / 3);
      this.renewal.unref();
    }
  }

  /** `run` settled. */
  drop(run: JournaledRun): void {
    if (this.driving.get(run.runId) === run) this.driving.delete(run.runId);
    if (this.driving.size === 0 && this.renewal !== null) {
      clearInterval(this.renewal);
      this.renewal = null;
    }
  }

  /** Records an entry for `run` in the current batch. */
  record(run: JournaledRun, entry: JournalEntry): void {
    const json = JSON.stringify(entry); // first: a value that cannot be encoded records nothing
    const p = this.touch(run);
    p.entries.push({ seq: run.entrySeq++, at: Date.now(), kind: entry.kind, json });
    if (entry.kind === "tick") run.sinceSnapshot++;
  }

  /** Puts `run` in the current batch (its record is updated) even with no entry. */
  touch(run: JournaledRun): Pending {
    let p = this.pending.get(run);
    if (p === undefined) {
      this.pending.set(run, (p = { entries: [] }));
      if (this.scheduled === null) this.scheduled = setImmediate(this.flush);
    }
    return p;
  }

  /** Runs `fn` once everything recorded so far is committed (at once when nothing is pending). */
  afterFlush(run: JournaledRun, fn: () => void): void {
    if (this.scheduled === null && this.effects.length === 0) fn();
    else this.effects.push({ run, fn });
  }

  /** Commits the pending batch now (also called from `setImmediate`). */
  readonly flush = (): void => {
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.scheduled = null;
    const pending = this.pending;
    const effects = this.effects;
    this.pending = new Map();
    this.effects = [];
    const batch: RunBatch[] = [];
    const byId = new Map<string, JournaledRun>();
    const now = Date.now();
    const lease = this.lease();
    for (const [run, p] of pending) {
      const { status, outcome } = run.journalState();
      let snapshot: RunBatch["snapshot"];
      if (outcome === null && run.sinceSnapshot >= run.snapshotEvery && p.entries.length > 0) {
        snapshot = { seq: run.entrySeq - 1, at: now, json: run.snapshotJSON() };
        run.sinceSnapshot = 0;
      }
      byId.set(run.runId, run);
      batch.push({ runId: run.runId, lease, entries: p.entries, status, updatedAt: now, outcome, ...(snapshot ? { snapshot } : {}) });
    }
    const failed = new Set<JournaledRun>();
    if (batch.length > 0) {
      try {
        for (const { runId, reason, cancelled } of this.journal.commit(batch) ?? []) {
          const run = byId.get(runId);
          if (run === undefined) continue;
          failed.add(run);
          run.journalFailed(cancelled ? new WorkflowCancelledError(`The run was cancelled from outside this process (${reason})`) : new Error(reason));
        }
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        for (const run of pending.keys()) {
          failed.add(run);
          run.journalFailed(e);
        }
      }
    }
    for (const { run, fn } of effects) if (!failed.has(run)) fn();
  };
}
