// flowspec/sqlite: the embedded durable-run journal. One SQLite file (better-sqlite3), WAL mode.
//
// Durability: every batch (the ticks of one event-loop turn, across runs) is one transaction.
//  - `synchronous: "normal"` (default): in WAL mode a commit survives a crash of the process
//    (SIGKILL, an uncaught exception, OOM) but the last commits can be lost on power loss or an OS
//    crash (they are in the WAL, not yet fsynced). The database is never corrupted either way.
//  - `synchronous: "full"`: every commit is fsynced; survives power loss, costs an fsync per batch.
// A torn write (a crash in the middle of a commit) loses exactly that uncommitted batch: SQLite
// ignores WAL frames of a transaction that never committed.
//
// The file is identified by `PRAGMA application_id` and a `meta` table (magic + schema version):
// a file written by another program, a garbage or truncated file is refused with a
// `JournalFileError` naming the file, never replayed.

import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import {
  CANCELLED_OWNER,
  cancelledOutcome,
  leaseStands,
  refusal,
  RunExistsError,
  type PurgeReport,
  type EntryKind,
  type RefusedRun,
  type RunLease,
  type Journal,
  type JournalStatus,
  type NewRun,
  type RunBatch,
  type RunFilter,
  type RunRecord,
  type Snapshot,
  type StoredEntry,
} from "../runtime/durable/index.js";

/** `PRAGMA application_id` of a flowspec journal: "FlSp". */
export const APPLICATION_ID = 0x466c5370;
/** The `meta` table's magic value. */
export const MAGIC = "flowspec-journal";
/** The schema version this code writes and reads (version 1 files are upgraded when opened for writing). */
export const SCHEMA_VERSION = 2;

/** The journal file is not usable: not a database, another program's, damaged, or a newer schema. */
export class JournalFileError extends Error {
  override readonly name = "JournalFileError";
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

/** Options of `new SqliteJournal(file, options)`. */
export interface SqliteJournalOptions {
  /** "normal" (default): survives process crashes. "full": also power loss (an fsync per batch). */
  readonly synchronous?: "normal" | "full";
  /** Open an existing file only; never create one (the `flowspec runs` CLI). Default false. */
  readonly mustExist?: boolean;
  /** Open read-only (implies mustExist). Works on a file or folder the process may not write: when
   * SQLite cannot create the WAL index beside a cleanly closed journal, the file is read as a snapshot. */
  readonly readonly?: boolean;
  /** Run `PRAGMA quick_check` when opening (detects truncated/damaged files up front). Default true. */
  readonly check?: boolean;
  /** ms to wait for a lock held by another process. Default 5000. */
  readonly busyTimeout?: number;
}

/** Version 1 → 2: run leases (one owner per run). */
const UPGRADE_1_TO_2 = "ALTER TABLE runs ADD COLUMN owner TEXT; ALTER TABLE runs ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;";

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  workflow TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  shape TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  ticks INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  outcome TEXT,
  owner TEXT,
  lease_until INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX runs_by_workflow_status ON runs (workflow, status);
CREATE TABLE entries (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE snapshots (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
`;

interface RunRow {
  run_id: string;
  workflow: string;
  fingerprint: string;
  shape: string;
  status: string;
  created_at: number;
  updated_at: number;
  ticks: number;
  last_seq: number;
  outcome: string | null;
  owner?: string | null;
  lease_until?: number;
}

function toRecord(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    workflow: row.workflow,
    fingerprint: row.fingerprint,
    shape: JSON.parse(row.shape),
    status: row.status as JournalStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ticks: row.ticks,
    lastSeq: row.last_seq,
    outcome: row.outcome === null ? null : JSON.parse(row.outcome),
  };
}

let Database: typeof BetterSqlite3 | undefined;
function loadDriver(): typeof BetterSqlite3 {
  if (Database === undefined) {
    try {
      Database = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
    } catch (error) {
      throw new Error("flowspec/sqlite needs the better-sqlite3 package (npm install better-sqlite3)", { cause: error });
    }
  }
  return Database;
}

/**
 * A read-only connection to a WAL-mode file needs the `-shm` index beside it, which SQLite cannot
 * create in a folder the process may not write. With no `-wal` file (the journal was closed cleanly,
 * so no writer is active), the main file holds every commit: read it into memory instead, marked as
 * a rollback-journal file (header bytes 18-19), since an in-memory database cannot be in WAL mode.
 */
function readable(Driver: typeof BetterSqlite3, db: BetterSqlite3.Database, path: string): BetterSqlite3.Database {
  try {
    db.pragma("schema_version");
    return db;
  } catch (error) {
    db.close();
    const code = String((error as { code?: string }).code);
    if (!/^SQLITE_(CANTOPEN|READONLY)/.test(code) || existsSync(`${path}-wal`)) throw error;
    const image = readFileSync(path);
    if (image.length >= 20 && image[18] === 2 && image[19] === 2) image[18] = image[19] = 1;
    return new Driver(image, { readonly: true });
  }
}

/**
 * The SQLite journal.
 *
 * @example
 * ```ts
 * import { SqliteJournal } from "flowspec/sqlite";
 * const journal = new SqliteJournal("flowspec-runs.db");            // { synchronous: "full" } for power-loss safety
 * const flow = new JokeFlow({ journal });
 * const handler = flow.run({ topic: "pirates" }, { runId: "joke-42" });
 * // after a crash, in a new process:
 * await new JokeFlow({ journal }).resumeAll();
 * ```
 */
export class SqliteJournal implements Journal {
  readonly location: string;
  private readonly db: BetterSqlite3.Database;
  private readonly stmts: ReturnType<SqliteJournal["prepareReads"]>;
  private writeStmts: ReturnType<SqliteJournal["prepareWrites"]> | undefined;
  private readonly commitTx: (batch: readonly RunBatch[]) => RefusedRun[];
  private readonly cancelTx: BetterSqlite3.Transaction<(runId: string) => RunRecord | undefined>;
  private readonly purgeTx: BetterSqlite3.Transaction<(options: { readonly before: number; readonly workflow?: string }) => PurgeReport>;
  private readonly claimTx: BetterSqlite3.Transaction<(runId: string, lease: RunLease, isDead: (held: RunLease) => boolean) => RunLease | null>;
  private readonly createTx: (run: NewRun, first: readonly StoredEntry[], seed?: Snapshot) => void;

  constructor(file: string, options: SqliteJournalOptions = {}) {
    this.location = file;
    const path = resolve(file);
    const readonly = options.readonly ?? false;
    const mustExist = readonly || (options.mustExist ?? false);
    const exists = existsSync(path);
    if (mustExist && !exists) throw new JournalFileError(file, "no such journal file");
    if (exists && statSync(path).isDirectory()) throw new JournalFileError(file, "is a directory, not a journal file");
    const Driver = loadDriver();
    let db: BetterSqlite3.Database;
    try {
      db = new Driver(path, { readonly, fileMustExist: mustExist, timeout: options.busyTimeout ?? 5000 });
      if (readonly) db = readable(Driver, db, path);
    } catch (error) {
      throw this.fileError(error, "cannot open");
    }
    this.db = db;
    try {
      this.open(options, readonly);
      this.stmts = this.prepareReads();
    } catch (error) {
      db.close();
      throw error instanceof JournalFileError ? error : this.fileError(error, "cannot open");
    }
    this.commitTx = db.transaction((batch: readonly RunBatch[]) => this.commitBatch(batch));
    this.createTx = db.transaction((run: NewRun, first: readonly StoredEntry[], seed?: Snapshot) => this.insertRun(run, first, seed));
    this.cancelTx = db.transaction((runId: string) => this.cancelRun(runId));
    this.purgeTx = db.transaction((options: { readonly before: number; readonly workflow?: string }) => this.purgeRuns(options));
    this.claimTx = db.transaction((runId: string, lease: RunLease, isDead: (held: RunLease) => boolean) => this.claimRun(runId, lease, isDead));
  }

  private open(options: SqliteJournalOptions, readonly: boolean): void {
    const db = this.db;
    // Reading the header and schema is what fails on a garbage file ("file is not a database").
    const appId = db.pragma("application_id", { simple: true }) as number;
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    if (appId !== APPLICATION_ID) {
      if (appId !== 0 || tables.length > 0) {
        const what = appId !== 0 ? `application_id 0x${appId.toString(16)}` : `tables ${tables.slice(0, 5).join(", ")}`;
        throw new JournalFileError(this.location, `is a SQLite database of another program (${what}), not a flowspec journal; refusing to touch it`);
      }
      if (readonly) throw new JournalFileError(this.location, "is an empty SQLite database, not a flowspec journal");
      // A new (or empty) file: create the schema.
      db.pragma("journal_mode = WAL");
      db.exec("BEGIN");
      db.exec(SCHEMA);
      db.prepare("INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)").run("magic", MAGIC, "schema_version", String(SCHEMA_VERSION));
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.exec("COMMIT");
    } else {
      let meta: Map<string, string>;
      try {
        meta = new Map((db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
      } catch (error) {
        throw this.fileError(error, "is damaged (no readable meta table)");
      }
      if (meta.get("magic") !== MAGIC) throw new JournalFileError(this.location, "has a flowspec application id but no journal magic; damaged or foreign");
      const version = Number(meta.get("schema_version"));
      if (version > SCHEMA_VERSION) throw new JournalFileError(this.location, `has journal schema version ${version}; this flowspec reads up to ${SCHEMA_VERSION}. Upgrade flowspec.`);
      if (version === 1 && !readonly) {
        db.exec(`BEGIN IMMEDIATE; ${UPGRADE_1_TO_2} UPDATE meta SET value = '2' WHERE key = 'schema_version'; COMMIT;`);
      } else if (version !== SCHEMA_VERSION && !(version === 1 && readonly)) {
        throw new JournalFileError(this.location, `has unknown journal schema version ${meta.get("schema_version")}`);
      }
      if (!readonly) db.pragma("journal_mode = WAL");
    }
    db.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
    if (options.check ?? true) {
      const result = db.pragma("quick_check", { simple: true });
      if (result !== "ok") throw new JournalFileError(this.location, `is damaged (quick_check: ${String(result)})`);
    }
  }

  /** Statements that read (prepared at open; they work on every schema version this code reads). */
  private prepareReads() {
    const db = this.db;
    return {
      getRun: db.prepare("SELECT * FROM runs WHERE run_id = ?"),
      read: db.prepare("SELECT seq, at, kind, data FROM entries WHERE run_id = ? AND seq > ? ORDER BY seq"),
      readKind: db.prepare("SELECT seq, at, kind, data FROM entries WHERE run_id = ? AND seq > ? AND kind = ? ORDER BY seq"),
      snapshot: db.prepare("SELECT seq, at, data FROM snapshots WHERE run_id = ? ORDER BY seq DESC LIMIT 1"),
    };
  }

  /** Statements that write (prepared on first write: a read-only version 1 file has no lease columns). */
  private get writes() {
    return (this.writeStmts ??= this.prepareWrites());
  }

  private prepareWrites() {
    const db = this.db;
    return {
      insertRun: db.prepare(
        "INSERT INTO runs (run_id, workflow, fingerprint, shape, status, created_at, updated_at, ticks, last_seq, outcome, owner, lease_until) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, NULL, ?, ?)",
      ),
      runExists: db.prepare("SELECT 1 FROM runs WHERE run_id = ?").pluck(),
      insertEntry: db.prepare("INSERT INTO entries (run_id, seq, at, kind, data) VALUES (?, ?, ?, ?, ?)"),
      // Guarded: only the lease holder (or anyone, when no lease is given) extends a run, and only right after its last entry.
      updateRun: db.prepare(
        `UPDATE runs SET status = @status, updated_at = @at, ticks = ticks + @ticks, last_seq = @last, outcome = @outcome,
           owner = CASE WHEN @owner IS NULL THEN owner WHEN @outcome IS NULL THEN @owner ELSE NULL END,
           lease_until = CASE WHEN @owner IS NULL THEN lease_until WHEN @outcome IS NULL THEN @until ELSE 0 END
         WHERE run_id = @runId AND last_seq = @first - 1 AND (@owner IS NULL OR owner IS NULL OR owner = @owner)`,
      ),
      lease: db.prepare("SELECT owner, lease_until, last_seq FROM runs WHERE run_id = ?"),
      setLease: db.prepare("UPDATE runs SET owner = ?, lease_until = ? WHERE run_id = ?"),
      upgradeRun: db.prepare("UPDATE runs SET fingerprint = ?, shape = ? WHERE run_id = ?"),
      cancel: db.prepare("UPDATE runs SET status = 'cancelled', updated_at = ?, outcome = ?, owner = ?, lease_until = 0 WHERE run_id = ? AND status IN ('running', 'waiting')"),
      insertSnapshot: db.prepare("INSERT OR REPLACE INTO snapshots (run_id, seq, at, data) VALUES (?, ?, ?, ?)"),
      dropOldSnapshots: db.prepare("DELETE FROM snapshots WHERE run_id = ? AND seq < ?"),
    };
  }

  private insertRun(run: NewRun, first: readonly StoredEntry[], seed?: Snapshot): void {
    const s = this.writes;
    if (s.runExists.get(run.runId) !== undefined) throw new RunExistsError(run.runId, this.location);
    const ticks = first.filter((e) => e.kind === "tick").length;
    const lastSeq = first.length > 0 ? first[first.length - 1]!.seq : 0;
    s.insertRun.run(run.runId, run.workflow, run.fingerprint, JSON.stringify(run.shape), run.createdAt, run.createdAt, ticks, lastSeq, run.lease?.owner ?? null, run.lease?.until ?? 0);
    for (const e of first) s.insertEntry.run(run.runId, e.seq, e.at, e.kind, e.json);
    if (seed !== undefined) s.insertSnapshot.run(run.runId, seed.seq, seed.at, seed.json);
  }

  private commitBatch(batch: readonly RunBatch[]): RefusedRun[] {
    const s = this.writes;
    const refused: RefusedRun[] = [];
    for (const b of batch) {
      let ticks = 0;
      for (const e of b.entries) if (e.kind === "tick") ticks++;
      const last = b.entries.length > 0 ? b.entries[b.entries.length - 1]!.seq : null;
      const row = last === null ? (s.lease.get(b.runId) as Pick<RunRow, "last_seq"> | undefined) : undefined;
      const changed = s.updateRun.run({
        status: b.status,
        at: b.updatedAt,
        ticks,
        last: last ?? row?.last_seq ?? -1,
        first: b.entries[0]?.seq ?? (row?.last_seq ?? -1) + 1,
        outcome: b.outcome === null ? null : JSON.stringify(b.outcome),
        owner: b.lease?.owner ?? null,
        until: b.lease?.until ?? 0,
        runId: b.runId,
      }).changes;
      if (changed !== 1) {
        refused.push(this.refusalOf(b));
        continue;
      }
      for (const e of b.entries) s.insertEntry.run(b.runId, e.seq, e.at, e.kind, e.json);
      if (b.upgrade !== undefined) s.upgradeRun.run(b.upgrade.fingerprint, JSON.stringify(b.upgrade.shape), b.runId);
      if (b.snapshot !== undefined) {
        s.insertSnapshot.run(b.runId, b.snapshot.seq, b.snapshot.at, b.snapshot.json);
        s.dropOldSnapshots.run(b.runId, b.snapshot.seq);
      }
    }
    return refused;
  }

  /** Why the guarded update left a run out. */
  private refusalOf(b: RunBatch): RefusedRun {
    const row = this.writes.lease.get(b.runId) as Pick<RunRow, "owner" | "lease_until" | "last_seq"> | undefined;
    if (row === undefined) return { runId: b.runId, reason: `journal ${this.location} has no run "${b.runId}"` };
    const lease = row.owner ? { owner: row.owner, until: row.lease_until ?? 0 } : null;
    return refusal({ lastSeq: row.last_seq }, lease, b) ?? { runId: b.runId, reason: `run "${b.runId}" could not be updated` };
  }

  cancel(runId: string): RunRecord | undefined {
    return this.guard(() => this.cancelTx.immediate(runId));
  }

  private cancelRun(runId: string): RunRecord | undefined {
    this.writes.cancel.run(Date.now(), JSON.stringify(cancelledOutcome()), CANCELLED_OWNER, runId);
    const row = this.stmts.getRun.get(runId) as RunRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  purge(options: { readonly before: number; readonly workflow?: string }): PurgeReport {
    return this.guard(() => this.purgeTx.immediate(options));
  }

  private purgeRuns(options: { readonly before: number; readonly workflow?: string }): PurgeReport {
    const db = this.db;
    const where = `status IN ('completed', 'failed', 'cancelled') AND updated_at < ?${options.workflow === undefined ? "" : " AND workflow = ?"}`;
    const params = options.workflow === undefined ? [options.before] : [options.before, options.workflow];
    db.exec("CREATE TEMP TABLE IF NOT EXISTS purging (run_id TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM purging;");
    const runs = db.prepare(`INSERT INTO purging SELECT run_id FROM runs WHERE ${where}`).run(...params).changes;
    const sizes = db
      .prepare(
        `SELECT (SELECT count(*) FROM entries WHERE run_id IN purging) AS entries, (SELECT coalesce(sum(length(data)), 0) FROM entries WHERE run_id IN purging) AS entryBytes,
                (SELECT count(*) FROM snapshots WHERE run_id IN purging) AS snapshots, (SELECT coalesce(sum(length(data)), 0) FROM snapshots WHERE run_id IN purging) AS snapshotBytes`,
      )
      .get() as { entries: number; entryBytes: number; snapshots: number; snapshotBytes: number };
    db.exec("DELETE FROM entries WHERE run_id IN purging; DELETE FROM snapshots WHERE run_id IN purging; DELETE FROM runs WHERE run_id IN purging; DELETE FROM purging;");
    return { runs, entries: sizes.entries, snapshots: sizes.snapshots, bytes: sizes.entryBytes + sizes.snapshotBytes };
  }

  claim(runId: string, lease: RunLease, isDead: (held: RunLease) => boolean): RunLease | null {
    return this.guard(() => this.claimTx.immediate(runId, lease, isDead));
  }

  private claimRun(runId: string, lease: RunLease, isDead: (held: RunLease) => boolean): RunLease | null {
    const row = this.writes.lease.get(runId) as Pick<RunRow, "owner" | "lease_until"> | undefined;
    if (row === undefined) throw new Error(`Journal ${this.location} has no run "${runId}"`);
    const held = row.owner ? { owner: row.owner, until: row.lease_until ?? 0 } : null;
    if (leaseStands(held, lease, isDead)) return held;
    this.writes.setLease.run(lease.owner, lease.until, runId);
    return null;
  }

  createRun(run: NewRun, first: readonly StoredEntry[], seed?: Snapshot): void {
    this.guard(() => this.createTx(run, first, seed));
  }

  getRun(runId: string): RunRecord | undefined {
    return this.guard(() => {
      const row = this.stmts.getRun.get(runId) as RunRow | undefined;
      return row === undefined ? undefined : toRecord(row);
    });
  }

  commit(batch: readonly RunBatch[]): readonly RefusedRun[] {
    return this.guard(() => this.commitTx(batch));
  }

  read(runId: string, options: { readonly after?: number; readonly kind?: EntryKind } = {}): StoredEntry[] {
    return this.guard(() => {
      const rows = (options.kind === undefined
        ? this.stmts.read.all(runId, options.after ?? 0)
        : this.stmts.readKind.all(runId, options.after ?? 0, options.kind)) as { seq: number; at: number; kind: EntryKind; data: string }[];
      return rows.map((r) => ({ seq: r.seq, at: r.at, kind: r.kind, json: r.data }));
    });
  }

  latestSnapshot(runId: string): Snapshot | undefined {
    return this.guard(() => {
      const row = this.stmts.snapshot.get(runId) as { seq: number; at: number; data: string } | undefined;
      return row === undefined ? undefined : { seq: row.seq, at: row.at, json: row.data };
    });
  }

  list(filter: RunFilter = {}): RunRecord[] {
    return this.guard(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.workflow !== undefined) {
        where.push("workflow = ?");
        params.push(filter.workflow);
      }
      if (filter.status !== undefined) {
        const statuses = typeof filter.status === "string" ? [filter.status] : [...filter.status];
        where.push(`status IN (${statuses.map(() => "?").join(", ") || "NULL"})`);
        params.push(...statuses);
      }
      let sql = `SELECT * FROM runs${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at, run_id`;
      if (filter.limit !== undefined) {
        sql = `SELECT * FROM (SELECT * FROM runs${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, run_id DESC LIMIT ?)`;
        params.push(filter.limit);
      }
      return (this.db.prepare(sql).all(...params) as RunRow[]).map(toRecord);
    });
  }

  /** Closes the file (checkpointing the WAL). */
  close(): void {
    if (this.db.open) this.db.close();
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB") throw this.fileError(error, "is damaged");
      throw error;
    }
  }

  private fileError(error: unknown, what: string): JournalFileError {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === "SQLITE_NOTADB") return new JournalFileError(this.location, "is not a SQLite database (garbage, or another kind of file); not a flowspec journal", { cause: error });
    if (code === "SQLITE_CORRUPT") return new JournalFileError(this.location, `is damaged or truncated (${message})`, { cause: error });
    return new JournalFileError(this.location, `${what}: ${message}`, { cause: error });
  }
}

export type { Journal, JournalStatus, RunRecord, RunFilter } from "../runtime/durable/index.js";
