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

import type { Journal, JournalEntry, JournalStatus, RunBatch, RunOutcome, StoredEntry } from "./journal.js";

/** What the writer needs from a journaled run (the driver implements it). */
export interface JournaledRun {
  readonly runId: string;
  /** Next entry seq; the writer increments it. */
  entrySeq: number;
  /** Ticks since the last snapshot; the writer resets it. */
  sinceSnapshot: number;
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

/** The group-commit writer of a journal (one per journal object, shared by every workflow using it). */
export class JournalWriter {
  private pending = new Map<JournaledRun, Pending>();
  private effects: { run: JournaledRun; fn: () => void }[] = [];
  private scheduled: ReturnType<typeof setImmediate> | null = null;

  private constructor(
    readonly journal: Journal,
    private readonly snapshotEvery: number,
  ) {}

  /** The writer of `journal` (created on first use). */
  static of(journal: Journal, snapshotEvery = 1000): JournalWriter {
    let w = writers.get(journal);
    if (w === undefined) writers.set(journal, (w = new JournalWriter(journal, snapshotEvery)));
    return w;
  }

  /** Records an entry for `run` in the current batch. */
  record(run: JournaledRun, entry: JournalEntry): void {
    const p = this.touch(run);
    p.entries.push({ seq: run.entrySeq++, at: Date.now(), kind: entry.kind, json: JSON.stringify(entry) });
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
    const now = Date.now();
    for (const [run, p] of pending) {
      const { status, outcome } = run.journalState();
      let snapshot: RunBatch["snapshot"];
      if (outcome === null && run.sinceSnapshot >= this.snapshotEvery && p.entries.length > 0) {
        snapshot = { seq: run.entrySeq - 1, at: now, json: run.snapshotJSON() };
        run.sinceSnapshot = 0;
      }
      batch.push({ runId: run.runId, entries: p.entries, status, updatedAt: now, outcome, ...(snapshot ? { snapshot } : {}) });
    }
    let failed: Set<JournaledRun> | null = null;
    if (batch.length > 0) {
      try {
        this.journal.commit(batch);
      } catch (error) {
        failed = new Set(pending.keys());
        const e = error instanceof Error ? error : new Error(String(error));
        for (const run of failed) run.journalFailed(e);
      }
    }
    for (const { run, fn } of effects) if (failed === null || !failed.has(run)) fn();
  };
}
