// The durable-run journal: the interface a store implements (`SqliteJournal` in `flowspec/sqlite`,
// `MemoryJournal` here), the records it holds, and the workflow fingerprint that guards replays.
//
// A journal holds, per run:
//  - a run record: runId, workflow name, the workflow's fingerprint and shape (for
//    `JournalMismatchError`), status, times, counts, and the outcome once finished;
//  - an ordered list of entries, numbered 1, 2, 3… per run: ticks (`SerializedTick`, see
//    tick-codec.ts), attempt starts (for timelines and at-least-once accounting) and stream
//    events (what the run's stream carried, in order, so `streamEvents({ from })` replays it);
//  - snapshots: a `ContextJSON` taken after entry `seq`, so a resume replays only the entries
//    after the latest snapshot (resume time grows with ticks since the snapshot, not run age).
//
// Writes come in batches (`commit`), one per event-loop turn across all runs of the process
// (group commit); a batch must be atomic: all of it is durable, or none of it. The runtime
// releases a batch's externally visible effects only after `commit` returned (see
// journal-writer.ts for the exact promise). The interface is synchronous: it is meant for an
// embedded store (SQLite through better-sqlite3 is synchronous, and a synchronous commit keeps the
// hot path free of promise hops). Entry payloads travel as JSON text, serialized when the tick
// happened, so a later mutation of a stored value can never change what was journaled.

import { encodeError, WorkflowCancelledError, type SerializedError, type SerializedEvent, type SerializedTick, type WorkflowShape } from "../backend.js";

/** Where a journaled run stands. `waiting`: running, but nothing to do until an event arrives from outside. */
export type JournalStatus = "running" | "waiting" | "completed" | "failed" | "cancelled";

/** Statuses of runs that `resumeAll()` picks up. */
export const UNFINISHED: readonly JournalStatus[] = ["running", "waiting"];

/** What a journal entry is. */
export type EntryKind = "tick" | "attempt" | "stream";

/** A journal entry, decoded from its JSON. */
export type JournalEntry =
  /** A tick (replayed through the reducer on resume). */
  | { readonly kind: "tick"; readonly tick: SerializedTick }
  /** A step attempt started (not replayed; for timelines and accounting). */
  | { readonly kind: "attempt"; readonly step: string; readonly seq: number; readonly attempt: number }
  /** The run's stream carried this event (0-based `index`); the stop event is the last one. */
  | { readonly kind: "stream"; readonly index: number; readonly event: SerializedEvent };

/** An entry as stored. `json` is `JSON.stringify(entry)`. */
export interface StoredEntry {
  /** 1-based, consecutive per run. */
  readonly seq: number;
  /** Milliseconds since the epoch when it happened. */
  readonly at: number;
  readonly kind: EntryKind;
  readonly json: string;
}

/** How a finished run ended. */
export type RunOutcome = { readonly result: SerializedEvent } | { readonly error: SerializedError };

/** A run's record. */
export interface RunRecord {
  readonly runId: string;
  readonly workflow: string;
  /** sha256 (hex, 16 chars) of the workflow's shape. */
  readonly fingerprint: string;
  readonly shape: WorkflowShape;
  readonly status: JournalStatus;
  /** ms since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Number of tick entries. */
  readonly ticks: number;
  /** Seq of the last entry. */
  readonly lastSeq: number;
  readonly outcome: RunOutcome | null;
}

/** What `createRun` needs. */
export interface NewRun {
  readonly runId: string;
  readonly workflow: string;
  readonly fingerprint: string;
  readonly shape: WorkflowShape;
  readonly createdAt: number;
  /** The run is born owned by this lease (see `claim`). */
  readonly lease?: RunLease;
}

/**
 * Who drives a run, and until when. `owner` is `pid@host/token` (see lease.ts); `until` is ms since
 * the epoch. A run has at most one owner: `claim` takes it, every `commit` of the owner renews
 * it, and a commit by anyone else is refused for that run.
 */
export interface RunLease {
  readonly owner: string;
  readonly until: number;
}

/** A snapshot: the run's `ContextJSON` (as JSON text) after entry `seq`. */
export interface Snapshot {
  readonly seq: number;
  readonly at: number;
  readonly json: string;
}

/** One run's part of a batch. */
export interface RunBatch {
  readonly runId: string;
  /** The committing owner's renewed lease: the batch is refused for this run unless this owner holds it. Absent: no check. */
  readonly lease?: RunLease;
  /** Entries to append, seqs consecutive after the run's `lastSeq`. */
  readonly entries: readonly StoredEntry[];
  readonly status: JournalStatus;
  readonly updatedAt: number;
  /** Set once the run finished. */
  readonly outcome: RunOutcome | null;
  /** A snapshot taken after the batch's last entry. */
  readonly snapshot?: Snapshot;
  /** The run continues on another (compatible) version of its workflow: record that version's fingerprint and shape. */
  readonly upgrade?: { readonly fingerprint: string; readonly shape: WorkflowShape };
}

/** `list()` filter. */
export interface RunFilter {
  readonly workflow?: string;
  readonly status?: JournalStatus | readonly JournalStatus[];
  /** Most recent first when set; default: oldest first. */
  readonly limit?: number;
}

/**
 * A durable-run store. Implementations: `SqliteJournal` (`flowspec/sqlite`), `MemoryJournal`.
 *
 * @example
 * ```ts
 * const journal = new SqliteJournal("flowspec-runs.db");
 * const flow = new JokeFlow({ journal });
 * journal.list({ workflow: "JokeFlow", status: "waiting" });
 * ```
 */
export interface Journal {
  /** A human-readable location for messages (a file path). */
  readonly location: string;
  /**
   * Creates a run with its first entries (its `run_started` tick) and, when given, a seed
   * snapshot (seq 0: a context reused from earlier runs), atomically. Throws `RunExistsError`
   * when the runId exists.
   */
  createRun(run: NewRun, first: readonly StoredEntry[], seed?: Snapshot): void;
  /** A run's record, or undefined. */
  getRun(runId: string): RunRecord | undefined;
  /**
   * Appends several runs' entries and updates their records, atomically (one transaction). A run
   * whose lease another owner holds, or whose entries do not follow its last seq, is left out and
   * reported; the other runs of the batch commit. A finished run's lease is cleared.
   */
  commit(batch: readonly RunBatch[]): readonly RefusedRun[] | void;
  /**
   * Takes the run for `lease.owner`, atomically, unless another owner holds a lease that has not
   * expired and that `isDead` does not declare dead. Returns null when taken, else the lease in
   * force. Throws when the run does not exist.
   */
  claim(runId: string, lease: RunLease, isDead: (held: RunLease) => boolean): RunLease | null;
  /**
   * Ends an unfinished run as cancelled, atomically: status `cancelled`, a `WorkflowCancelledError`
   * outcome, and its lease taken from its owner, whose next commit is refused (its handler then
   * rejects with `WorkflowCancelledError`). A finished run is left as it is. Returns the run's record;
   * undefined when there is no such run.
   */
  cancel(runId: string): RunRecord | undefined;
  /**
   * Deletes finished runs (completed, failed, cancelled) last updated before `before` (ms since the
   * epoch), with their entries and snapshots; only those of `workflow`, and only those in `runIds`,
   * when given. Never an unfinished run.
   */
  purge(options: PurgeOptions): PurgeReport;
  /** A run's entries in seq order: those after `after` (default 0), of `kind` only when given. */
  read(runId: string, options?: { readonly after?: number; readonly kind?: EntryKind }): StoredEntry[];
  /** The run's latest snapshot, or undefined. */
  latestSnapshot(runId: string): Snapshot | undefined;
  /** Runs matching the filter, oldest first. */
  list(filter?: RunFilter): RunRecord[];
  /** Releases the store (closing a file). */
  close(): void;
}

/** A run a `commit` left out, and why. */
export interface RefusedRun {
  readonly runId: string;
  readonly reason: string;
  /** The run was cancelled from outside (`journal.cancel`): its owner ends it as cancelled. */
  readonly cancelled?: true;
}

/** Which finished runs `purge` deletes. */
export interface PurgeOptions {
  readonly before: number;
  readonly workflow?: string;
  readonly runIds?: readonly string[];
}

/** What `purge` deleted. */
export interface PurgeReport {
  readonly runs: number;
  readonly entries: number;
  readonly snapshots: number;
  /** Bytes of entry and snapshot payloads deleted. */
  readonly bytes: number;
}

/** The lease owner of a run cancelled from outside: no process holds it, and its driver's next commit is refused. */
export const CANCELLED_OWNER = "cancelled";

/** The outcome recorded for a run cancelled from outside. */
export function cancelledOutcome(): RunOutcome {
  return { error: encodeError(new WorkflowCancelledError("The run was cancelled from outside its process (journal.cancel, flowspec runs cancel)")) };
}

/** `createRun` with a runId that the journal already has. */
export class RunExistsError extends Error {
  override readonly name = "RunExistsError";
  constructor(
    readonly runId: string,
    location: string,
  ) {
    super(`A run with id "${runId}" already exists in journal ${location}; use flow.resume("${runId}") to continue it`);
  }
}

/** A journaled run is driven by another handler: another workflow instance in this process, or another process whose lease has not lapsed. */
export class RunOwnedError extends Error {
  override readonly name = "RunOwnedError";
  constructor(
    readonly runId: string,
    location: string,
    /** The lease in force; null when another instance in this process drives the run. */
    readonly lease: RunLease | null,
  ) {
    const who =
      lease === null
        ? "another workflow instance in this process (use that instance's handler)"
        : `${describeOwner(lease.owner)} (lease ${lease.owner}, renewed while it runs; it lapses at ${new Date(lease.until).toISOString()} if that process is gone)`;
    super(`Run "${runId}" in journal ${location} is driven by ${who}; a run has one owner, so it was not taken over`);
  }
}

/** Decodes a stored entry. */
export function parseEntry(stored: StoredEntry): JournalEntry {
  return JSON.parse(stored.json) as JournalEntry;
}

export { workflowShape, shapeFingerprint, type WorkflowShape } from "../backend.js";

/** Human-readable differences of step and event names and kinds between the journaled shape (`was`) and the workflow's (`now`). */
export function diffShapes(was: WorkflowShape, now: WorkflowShape): string[] {
  const out: string[] = [];
  const wasSteps = new Map(was.steps.map((s) => [s.name, s]));
  const nowSteps = new Map(now.steps.map((s) => [s.name, s]));
  for (const [name, s] of wasSteps) {
    const n = nowSteps.get(name);
    if (n === undefined) {
      out.push(`step "${name}" was removed or renamed`);
      continue;
    }
    if (s.accepts.join() !== n.accepts.join()) out.push(`step "${name}" accepts [${n.accepts.join(", ")}], was [${s.accepts.join(", ")}]`);
    if (s.emits.join() !== n.emits.join()) out.push(`step "${name}" emits [${n.emits.join(", ")}], was [${s.emits.join(", ")}]`);
  }
  for (const name of nowSteps.keys()) if (!wasSteps.has(name)) out.push(`step "${name}" was added`);
  const wasEvents = new Map(was.events.map((e) => [e.name, e.kind]));
  const nowEvents = new Map(now.events.map((e) => [e.name, e.kind]));
  for (const [name, kind] of wasEvents) {
    const k = nowEvents.get(name);
    if (k === undefined) out.push(`event "${name}" was removed or renamed`);
    else if (k !== kind) out.push(`event "${name}" is of kind ${k}, was ${kind}`);
  }
  for (const name of nowEvents.keys()) if (!wasEvents.has(name)) out.push(`event "${name}" was added`);
  if (out.length === 0 && was.steps.map((s) => s.name).join() !== now.steps.map((s) => s.name).join()) out.push("the steps were reordered");
  return out;
}

/**
 * A journal in memory: same semantics as the SQLite one, minus the durability. For tests, and the
 * reference implementation of the interface.
 */
export class MemoryJournal implements Journal {
  readonly location = "memory";
  private readonly runs = new Map<string, { record: RunRecord; entries: StoredEntry[]; snapshot: Snapshot | undefined; lease: RunLease | null }>();

  createRun(run: NewRun, first: readonly StoredEntry[], seed?: Snapshot): void {
    if (this.runs.has(run.runId)) throw new RunExistsError(run.runId, this.location);
    const ticks = first.filter((e) => e.kind === "tick").length;
    const { lease, ...fields } = run;
    const record: RunRecord = { ...fields, status: "running", updatedAt: run.createdAt, ticks, lastSeq: first.length, outcome: null };
    this.runs.set(run.runId, { record, entries: [...first], snapshot: seed, lease: lease ?? null });
  }

  getRun(runId: string): RunRecord | undefined {
    return this.runs.get(runId)?.record;
  }

  commit(batch: readonly RunBatch[]): RefusedRun[] {
    const refused: RefusedRun[] = [];
    for (const b of batch) {
      const r = this.runs.get(b.runId);
      const refused1 = r === undefined ? { runId: b.runId, reason: `journal ${this.location} has no run "${b.runId}"` } : refusal(r.record, r.lease, b);
      if (refused1 !== null) {
        refused.push(refused1);
        continue;
      }
      r!.entries.push(...b.entries);
      const ticks = r!.record.ticks + b.entries.filter((e) => e.kind === "tick").length;
      const lastSeq = b.entries.length > 0 ? b.entries[b.entries.length - 1]!.seq : r!.record.lastSeq;
      r!.record = { ...r!.record, status: b.status, updatedAt: b.updatedAt, ticks, lastSeq, outcome: b.outcome, ...(b.upgrade ?? {}) };
      if (b.lease !== undefined) r!.lease = b.outcome === null ? b.lease : null;
      if (b.snapshot !== undefined) r!.snapshot = b.snapshot;
    }
    return refused;
  }

  cancel(runId: string): RunRecord | undefined {
    const r = this.runs.get(runId);
    if (r === undefined) return undefined;
    if (UNFINISHED.includes(r.record.status)) {
      r.record = { ...r.record, status: "cancelled", updatedAt: Date.now(), outcome: cancelledOutcome() };
      r.lease = { owner: CANCELLED_OWNER, until: 0 };
    }
    return r.record;
  }

  purge(options: PurgeOptions): PurgeReport {
    let runs = 0;
    let entries = 0;
    let snapshots = 0;
    let bytes = 0;
    for (const [runId, r] of this.runs) {
      if (UNFINISHED.includes(r.record.status) || r.record.updatedAt >= options.before) continue;
      if (options.workflow !== undefined && r.record.workflow !== options.workflow) continue;
      if (options.runIds !== undefined && !options.runIds.includes(runId)) continue;
      runs++;
      entries += r.entries.length;
      bytes += r.entries.reduce((n, e) => n + e.json.length, 0) + (r.snapshot?.json.length ?? 0);
      if (r.snapshot !== undefined) snapshots++;
      this.runs.delete(runId);
    }
    return { runs, entries, snapshots, bytes };
  }

  claim(runId: string, lease: RunLease, isDead: (held: RunLease) => boolean): RunLease | null {
    const r = this.runs.get(runId);
    if (r === undefined) throw new Error(`Journal ${this.location} has no run "${runId}"`);
    if (leaseStands(r.lease, lease, isDead)) return r.lease;
    r.lease = lease;
    return null;
  }

  read(runId: string, options: { readonly after?: number; readonly kind?: EntryKind } = {}): StoredEntry[] {
    const entries = this.runs.get(runId)?.entries ?? [];
    const after = options.after ?? 0;
    return entries.filter((e) => e.seq > after && (options.kind === undefined || e.kind === options.kind));
  }

  latestSnapshot(runId: string): Snapshot | undefined {
    return this.runs.get(runId)?.snapshot;
  }

  list(filter: RunFilter = {}): RunRecord[] {
    const statuses = filter.status === undefined ? null : new Set(typeof filter.status === "string" ? [filter.status] : filter.status);
    let out = [...this.runs.values()]
      .map((r) => r.record)
      .filter((r) => (filter.workflow === undefined || r.workflow === filter.workflow) && (statuses === null || statuses.has(r.status)));
    if (filter.limit !== undefined) out = out.slice(-filter.limit).reverse();
    return out;
  }

  close(): void {}
}

/** Why a batch must leave a run out (another owner holds it, it was cancelled, its entries do not follow on), or null. */
export function refusal(record: Pick<RunRecord, "lastSeq">, lease: RunLease | null, b: RunBatch): RefusedRun | null {
  if (b.lease !== undefined && lease !== null && lease.owner !== b.lease.owner) {
    if (lease.owner === CANCELLED_OWNER) return { runId: b.runId, reason: `run "${b.runId}" was cancelled from outside its process`, cancelled: true };
    return { runId: b.runId, reason: `run "${b.runId}" is now driven by ${describeOwner(lease.owner)}; this process lost its lease and stopped driving it` };
  }
  const first = b.entries[0];
  if (first !== undefined && first.seq !== record.lastSeq + 1) {
    return { runId: b.runId, reason: `run "${b.runId}" has entries up to ${record.lastSeq}, and this batch starts at ${first.seq}: another process wrote to it` };
  }
  return null;
}

/** The rule of `Journal.claim`: the lease `held` keeps `lease.owner` out while it is another owner's, unexpired, and not provably dead. */
export function leaseStands(held: RunLease | null, lease: RunLease, isDead: (held: RunLease) => boolean): held is RunLease {
  return held !== null && held.owner !== lease.owner && held.until > Date.now() && !isDead(held);
}

/** `pid@host/token` as words. */
export function describeOwner(owner: string): string {
  const m = /^(\d+)@(.*)\/([^/]*)$/.exec(owner);
  return m === null ? `owner ${owner}` : `process ${m[1]} on ${m[2]}`;
}
