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
//
// Layout (schema version 3), shaped so that the common commit (a run's entries, no change of
// status) is one row appended, dirtying about one page (docs/performance.md). Its fence (the
// lease holder, entries following on) is checked against what this connection last committed,
// and re-read from the file whenever another connection wrote to it (`PRAGMA data_version`).
//  - `batches`: a run's entries, packed one row per commit (`seq`..`last_seq`, one entry per line
//    of `data`), keyed by the integer `id` = run_no * 2^32 + seq (the run's number, given at
//    creation, then the first seq), so the newest run appends at the end of the table (a rowid
//    B-tree: no rebalancing of siblings, as a text key would cause). Each row carries what the
//    commit changed in the run's record (`ticks`, `updated_at`): the run's record is the `runs` row,
//    or the run's last batch row where that is newer (`last_seq` beyond the runs row's). The commit
//    does not rewrite the `runs` row, its shape nor its status index.
//  - `runs`: the run's identity, number, shape, status, outcome and lease (always current there: a
//    commit that changes the status, finishes the run, or renews the lease writes the row whole;
//    a commit renews the lease in the file when that moves its expiry by more than
//    `LEASE_RENEW_GRANULARITY_MS`, 1 s, so at 40,000 commits/s the row is rewritten once a second).

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
  type PurgeOptions,
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
/** The schema version this code writes and reads (versions 1 and 2 are upgraded when opened for writing, and read as they are when opened read-only). */
export const SCHEMA_VERSION = 3;

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

const BATCHES = `
CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  kinds INTEGER NOT NULL,
  ticks INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE UNIQUE INDEX runs_by_no ON runs (run_no);
`;

/** `batches.id` of a run's seq: run_no * 2^32 + seq, computed by SQLite (64-bit integers; a JS number would lose precision). */
const ID = (no: string, seq: string) => `(${no} * 4294967296 + ${seq})`;

/**
 * Version 2 → 3: entries move from one row each (`entries`) into `batches` rows (one row per
 * migrated entry; the runs rows stay current, so the migrated rows' `ticks`/`updated_at` are
 * never read).
 */
const UPGRADE_2_TO_3 = `
ALTER TABLE runs ADD COLUMN run_no INTEGER;
CREATE TEMP TABLE numbering (run_id TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO numbering SELECT run_id, row_number() OVER (ORDER BY created_at, run_id) FROM runs;
UPDATE runs SET run_no = numbering.n FROM numbering WHERE numbering.run_id = runs.run_id;
DROP TABLE numbering;
${BATCHES}
INSERT INTO batches (id, last_seq, kinds, ticks, updated_at, data)
  SELECT ${ID("r.run_no", "e.seq")}, e.seq, CASE e.kind WHEN 'tick' THEN 1 WHEN 'attempt' THEN 2 WHEN 'stream' THEN 4 ELSE 8 END, 0, e.at, e.at || ' ' || e.kind || ' ' || e.data
  FROM entries e JOIN runs r ON r.run_id = e.run_id ORDER BY 1;
DROP TABLE entries;`;

/** A lease in the runs row is rewritten by a commit only when it would gain more than this (ms); see `commitBatch`. */
export const LEASE_RENEW_GRANULARITY_MS = 1000;

/** The id of the last `batches` row of the run in `runs` row `r`. */
const LAST_BATCH = (r: string) => `(SELECT max(id) FROM batches WHERE id BETWEEN ${ID(`${r}.run_no`, "0")} AND ${ID(`${r}.run_no`, "4294967295")})`;

/** Bit of an entry kind in `batches.kinds`. */
function kindBit(kind: string): number {
  return kind === "tick" ? 1 : kind === "attempt" ? 2 : kind === "stream" ? 4 : 8;
}

/** A run's entries as `batches` rows: consecutive seqs, one entry per line (`at kind json`); an entry whose JSON holds a newline gets a row of its own. */
interface PackedRow {
  readonly seq: number;
  readonly lastSeq: number;
  readonly kinds: number;
  readonly ticks: number;
  readonly data: string;
}

function pack(entries: readonly StoredEntry[]): PackedRow[] {
  const rows: PackedRow[] = [];
  let i = 0;
  while (i < entries.length) {
    const first = entries[i]!;
    checkKind(first.kind);
    let data = `${first.at} ${first.kind} ${first.json}`;
    let kinds = kindBit(first.kind);
    let ticks = first.kind === "tick" ? 1 : 0;
    let last = first.seq;
    i++;
    if (!first.json.includes("\n")) {
      for (; i < entries.length; i++) {
        const e = entries[i]!;
        if (e.seq !== last + 1 || e.json.includes("\n")) break;
        checkKind(e.kind);
        data += `\n${e.at} ${e.kind} ${e.json}`;
        kinds |= kindBit(e.kind);
        if (e.kind === "tick") ticks++;
        last = e.seq;
      }
    }
    rows.push({ seq: first.seq, lastSeq: last, kinds, ticks, data });
  }
  return rows;
}

/** A kind is stored as a word before the entry's JSON: no space, no newline. */
function checkKind(kind: string): void {
  if (kind !== "tick" && kind !== "attempt" && kind !== "stream" && !/^[a-z_]+$/.test(kind)) throw new Error(`journal entry kind ${JSON.stringify(kind)} cannot be stored`);
}

/** Appends the entries of a `batches` row with seq > `after` (and of `kind`, when given) to `out`. */
function unpack(row: { seq: number; last_seq: number; data: string }, after: number, kind: string | undefined, out: StoredEntry[]): void {
  const d = row.data;
  let seq = row.seq;
  let pos = 0;
  for (;;) {
    const end = seq === row.last_seq ? d.length : d.indexOf("\n", pos);
    if (seq > after) {
      const s1 = d.indexOf(" ", pos);
      const s2 = d.indexOf(" ", s1 + 1);
      const k = d.slice(s1 + 1, s2);
      if (kind === undefined || k === kind) out.push({ seq, at: Number(d.slice(pos, s1)), kind: k as EntryKind, json: d.slice(s2 + 1, end) });
    }
    if (seq === row.last_seq || end < 0) return;
    seq++;
    pos = end + 1;
  }
}

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
  lease_until INTEGER NOT NULL DEFAULT 0,
  run_no INTEGER
) WITHOUT ROWID;
CREATE INDEX runs_by_workflow_status ON runs (workflow, status);
${BATCHES}
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
  /** The run's last `batches` row (null: none, or a version 1-2 file). */
  b_last?: number | null;
  b_ticks?: number | null;
  b_updated?: number | null;
}

/** What a commit checks and builds on for one run (see `SqliteJournal.heads`). */
interface Head {
  readonly runId: string;
  readonly runNo: number;
  readonly status: string;
  /** The runs row holds an outcome. */
  readonly finished: boolean;
  /** The lease in the runs row. */
  readonly owner: string | null;
  readonly leaseUntil: number;
  readonly lastSeq: number;
  readonly ticks: number;
}

/** The runs row, with its last batch row's fields where that row is newer. */
function current(row: RunRow): RunRow {
  if (row.b_last != null && row.b_last > row.last_seq) return { ...row, last_seq: row.b_last, ticks: row.b_ticks!, updated_at: row.b_updated! };
  return row;
}

function toRecord(raw: RunRow): RunRecord {
  const row = current(raw);
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
  private readonly commitTx: BetterSqlite3.Transaction<(batch: readonly RunBatch[], rows: readonly PackedRow[][], staged: Head[]) => RefusedRun[]>;
  /**
   * What this connection last committed for each run it drives: the fence and the record the next
   * commit builds on, without reading them back. Valid while no other connection committed to the
   * file (`PRAGMA data_version` unchanged, read inside the commit's IMMEDIATE transaction);
   * otherwise, and after every other kind of write of this connection, read from the file.
   */
  private readonly heads = new Map<string, Head>();
  private dataVersion = -1;
  private readonly cancelTx: BetterSqlite3.Transaction<(runId: string) => RunRecord | undefined>;
  private readonly purgeTx: BetterSqlite3.Transaction<(options: PurgeOptions) => PurgeReport>;
  private readonly claimTx: BetterSqlite3.Transaction<(runId: string, lease: RunLease, isDead: (held: RunLease) => boolean) => RunLease | null>;
  private readonly createTx: BetterSqlite3.Transaction<(run: NewRun, first: readonly StoredEntry[], seed?: Snapshot) => void>;
  /** A version 1 or 2 file opened read-only: entries one per row in `entries`. */
  private legacy = false;

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
    this.commitTx = db.transaction((batch: readonly RunBatch[], rows: readonly PackedRow[][], staged: Head[]) => this.commitBatch(batch, rows, staged));
    this.createTx = db.transaction((run: NewRun, first: readonly StoredEntry[], seed?: Snapshot) => this.insertRun(run, first, seed));
    this.cancelTx = db.transaction((runId: string) => this.cancelRun(runId));
    this.purgeTx = db.transaction((options: PurgeOptions) => this.purgeRuns(options));
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
      if (version !== 1 && version !== 2 && version !== SCHEMA_VERSION) {
        throw new JournalFileError(this.location, `has unknown journal schema version ${meta.get("schema_version")}`);
      }
      if (version < SCHEMA_VERSION && readonly) this.legacy = true;
      else if (version < SCHEMA_VERSION) {
        // One transaction: a crash during the upgrade leaves the file as it was.
        db.exec(`BEGIN IMMEDIATE; ${version === 1 ? UPGRADE_1_TO_2 : ""} ${UPGRADE_2_TO_3} UPDATE meta SET value = '${SCHEMA_VERSION}' WHERE key = 'schema_version'; COMMIT;`);
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
    if (this.legacy) {
      return {
        getRun: db.prepare("SELECT * FROM runs WHERE run_id = ?"),
        read: db.prepare("SELECT seq, seq AS last_seq, at || ' ' || kind || ' ' || data AS data FROM entries WHERE run_id = @run AND seq > @after ORDER BY seq"),
        readKind: db.prepare("SELECT seq, seq AS last_seq, at || ' ' || kind || ' ' || data AS data FROM entries WHERE run_id = @run AND seq > @after AND kind = @kind ORDER BY seq"),
        snapshot: db.prepare("SELECT seq, at, data FROM snapshots WHERE run_id = ? ORDER BY seq DESC LIMIT 1"),
      };
    }
    // The rows holding seqs after @after: from the one holding @after + 1 (rows hold disjoint, ordered ranges).
    const no = "(SELECT run_no FROM runs WHERE run_id = @run)";
    const range = `id BETWEEN coalesce((SELECT max(id) FROM batches WHERE id BETWEEN ${ID(no, "0")} AND ${ID(no, "@after + 1")}), ${ID(no, "0")}) AND ${ID(no, "4294967295")}`;
    const columns = `id - ${ID(no, "0")} AS seq, last_seq, data`;
    return {
      getRun: db.prepare(`${this.runsSelect()} WHERE r.run_id = ?`),
      read: db.prepare(`SELECT ${columns} FROM batches WHERE ${range} ORDER BY id`),
      readKind: db.prepare(`SELECT ${columns} FROM batches WHERE ${range} AND (kinds & @kind) != 0 ORDER BY id`),
      snapshot: db.prepare("SELECT seq, at, data FROM snapshots WHERE run_id = ? ORDER BY seq DESC LIMIT 1"),
    };
  }

  /** Runs rows (as `r`) with their last batch row's record fields (see `current`). */
  private runsSelect(): string {
    if (this.legacy) return "SELECT r.* FROM runs r";
    return `SELECT r.*, b.last_seq AS b_last, b.ticks AS b_ticks, b.updated_at AS b_updated FROM runs r LEFT JOIN batches b ON b.id = ${LAST_BATCH("r")}`;
  }

  /** Statements that write (prepared on first write: a read-only version 1 file has no lease columns). */
  private get writes() {
    return (this.writeStmts ??= this.prepareWrites());
  }

  private prepareWrites() {
    const db = this.db;
    return {
      insertRun: db
        .prepare(
          `INSERT INTO runs (run_id, workflow, fingerprint, shape, status, created_at, updated_at, ticks, last_seq, outcome, owner, lease_until, run_no)
           VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, NULL, ?, ?, (SELECT coalesce(max(run_no), 0) + 1 FROM runs)) RETURNING run_no`,
        )
        .pluck(),
      runExists: db.prepare("SELECT 1 FROM runs WHERE run_id = ?").pluck(),
      insertBatch: db.prepare(`INSERT INTO batches (id, last_seq, kinds, ticks, updated_at, data) VALUES (${ID("?", "?")}, ?, ?, ?, ?, ?)`),
      // What a commit checks and builds on: the run's status, lease and outcome (runs row), and its last seq, tick count and update time (runs row, or its last batch row where newer).
      head: db.prepare(
        `SELECT r.run_no, r.status, r.outcome IS NOT NULL AS finished, r.owner, r.lease_until, r.last_seq, r.ticks, r.updated_at, b.last_seq AS b_last, b.ticks AS b_ticks, b.updated_at AS b_updated
         FROM runs r LEFT JOIN batches b ON b.id = ${LAST_BATCH("r")} WHERE r.run_id = ?`,
      ),
      dataVersion: db.prepare("PRAGMA data_version").pluck(),
      numberRun: db.prepare("UPDATE runs SET run_no = (SELECT coalesce(max(run_no), 0) + 1 FROM runs) WHERE run_id = ? RETURNING run_no").pluck(),
      updateRun: db.prepare("UPDATE runs SET status = ?, updated_at = ?, ticks = ?, last_seq = ?, outcome = ?, owner = ?, lease_until = ? WHERE run_id = ?"),
      lease: db.prepare("SELECT owner, lease_until, last_seq FROM runs WHERE run_id = ?"),
      setLease: db.prepare("UPDATE runs SET owner = ?, lease_until = ? WHERE run_id = ?"),
      upgradeRun: db.prepare("UPDATE runs SET fingerprint = ?, shape = ? WHERE run_id = ?"),
      cancel: db.prepare("UPDATE runs SET status = 'cancelled', updated_at = ?, ticks = ?, last_seq = ?, outcome = ?, owner = ?, lease_until = 0 WHERE run_id = ? AND status IN ('running', 'waiting')"),
      insertSnapshot: db.prepare("INSERT OR REPLACE INTO snapshots (run_id, seq, at, data) VALUES (?, ?, ?, ?)"),
      dropOldSnapshots: db.prepare("DELETE FROM snapshots WHERE run_id = ? AND seq < ?"),
    };
  }

  private insertRun(run: NewRun, first: readonly StoredEntry[], seed?: Snapshot): void {
    const s = this.writes;
    if (s.runExists.get(run.runId) !== undefined) throw new RunExistsError(run.runId, this.location);
    const ticks = first.filter((e) => e.kind === "tick").length;
    const lastSeq = first.length > 0 ? first[first.length - 1]!.seq : 0;
    const no = s.insertRun.get(run.runId, run.workflow, run.fingerprint, JSON.stringify(run.shape), run.createdAt, run.createdAt, ticks, lastSeq, run.lease?.owner ?? null, run.lease?.until ?? 0) as number;
    let count = 0;
    for (const r of pack(first)) s.insertBatch.run(no, r.seq, r.lastSeq, r.kinds, (count += r.ticks), run.createdAt, r.data);
    if (seed !== undefined) s.insertSnapshot.run(run.runId, seed.seq, seed.at, seed.json);
  }

  /**
   * One run's part of a batch costs one read (`head`: the fence) and, in the common case (entries,
   * same status, the lease in the runs row still current to within `LEASE_RENEW_GRANULARITY_MS`),
   * one row insert. The runs row is rewritten, whole, when the status or outcome changes, the run
   * moves to another version, the batch has no entries (a lease renewal), or the lease would gain
   * more than `LEASE_RENEW_GRANULARITY_MS`.
   */
  private commitBatch(batch: readonly RunBatch[], packed: readonly PackedRow[][], staged: Head[]): RefusedRun[] {
    const s = this.writes;
    const refused: RefusedRun[] = [];
    // Another connection (process) committed since this one last looked: what it knew may be stale.
    const version = s.dataVersion.get() as number;
    if (version !== this.dataVersion) {
      this.heads.clear();
      this.dataVersion = version;
    }
    for (let i = 0; i < batch.length; i++) {
      const b = batch[i]!;
      const h = this.heads.get(b.runId) ?? this.readHead(b.runId);
      if (h === undefined) {
        refused.push({ runId: b.runId, reason: `journal ${this.location} has no run "${b.runId}"` });
        continue;
      }
      const held = h.owner ? { owner: h.owner, until: h.leaseUntil } : null;
      const no = refusal({ lastSeq: h.lastSeq }, held, b);
      if (no !== null) {
        refused.push(no);
        continue;
      }
      const rows = packed[i]!;
      let ticks = h.ticks;
      for (const r of rows) s.insertBatch.run(h.runNo, r.seq, r.lastSeq, r.kinds, (ticks += r.ticks), b.updatedAt, r.data);
      const last = rows.length > 0 ? rows[rows.length - 1]!.lastSeq : h.lastSeq;
      // The lease: kept when the batch names none; the batch's while the run goes on; cleared once it finished.
      let owner = b.lease === undefined ? h.owner : b.outcome === null ? b.lease.owner : null;
      let until = b.lease === undefined ? h.leaseUntil : b.outcome === null ? b.lease.until : 0;
      const renew = owner !== h.owner || (until === 0 ? h.leaseUntil !== 0 : until > h.leaseUntil + LEASE_RENEW_GRANULARITY_MS);
      if (rows.length === 0 || renew || b.status !== h.status || b.outcome !== null || h.finished || b.upgrade !== undefined) {
        s.updateRun.run(b.status, b.updatedAt, ticks, last, b.outcome === null ? null : JSON.stringify(b.outcome), owner, until, b.runId);
      } else {
        owner = h.owner;
        until = h.leaseUntil;
      }
      staged.push({ runId: b.runId, runNo: h.runNo, status: b.status, finished: b.outcome !== null, owner, leaseUntil: until, lastSeq: last, ticks });
      if (b.upgrade !== undefined) s.upgradeRun.run(b.upgrade.fingerprint, JSON.stringify(b.upgrade.shape), b.runId);
      if (b.snapshot !== undefined) {
        s.insertSnapshot.run(b.runId, b.snapshot.seq, b.snapshot.at, b.snapshot.json);
        s.dropOldSnapshots.run(b.runId, b.snapshot.seq);
      }
    }
    return refused;
  }

  /** A run's head as the file holds it now (undefined: no such run). */
  private readHead(runId: string): Head | undefined {
    const raw = this.writes.head.get(runId) as (RunRow & { run_no: number | null; finished: number }) | undefined;
    if (raw === undefined) return undefined;
    const run = current(raw);
    // A runs row written by other means than this class (a hand-made file) gets its number now.
    const runNo = raw.run_no ?? (this.writes.numberRun.get(runId) as number);
    return { runId, runNo, status: raw.status, finished: raw.finished !== 0, owner: raw.owner ?? null, leaseUntil: raw.lease_until ?? 0, lastSeq: run.last_seq, ticks: run.ticks };
  }

  cancel(runId: string): RunRecord | undefined {
    this.heads.delete(runId);
    return this.guard(() => this.cancelTx.immediate(runId));
  }

  private cancelRun(runId: string): RunRecord | undefined {
    const h = this.readHead(runId);
    if (h !== undefined) this.writes.cancel.run(Date.now(), h.ticks, h.lastSeq, JSON.stringify(cancelledOutcome()), CANCELLED_OWNER, runId);
    const row = this.stmts.getRun.get(runId) as RunRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  purge(options: PurgeOptions): PurgeReport {
    this.heads.clear();
    return this.guard(() => this.purgeTx.immediate(options));
  }

  private purgeRuns(options: PurgeOptions): PurgeReport {
    const db = this.db;
    let where = "status IN ('completed', 'failed', 'cancelled') AND updated_at < ?";
    const params: unknown[] = [options.before];
    if (options.workflow !== undefined) {
      where += " AND workflow = ?";
      params.push(options.workflow);
    }
    if (options.runIds !== undefined) {
      where += " AND run_id IN (SELECT value FROM json_each(?))";
      params.push(JSON.stringify(options.runIds));
    }
    db.exec("CREATE TEMP TABLE IF NOT EXISTS purging (run_id TEXT PRIMARY KEY, run_no INTEGER) WITHOUT ROWID; DELETE FROM purging;");
    const runs = db.prepare(`INSERT INTO purging SELECT run_id, run_no FROM runs WHERE ${where}`).run(...params).changes;
    const ofRun = `id BETWEEN ${ID("p.run_no", "0")} AND ${ID("p.run_no", "4294967295")}`;
    const sizes = db
      .prepare(
        `SELECT (SELECT coalesce(sum(b.last_seq - (b.id - ${ID("p.run_no", "0")}) + 1), 0) FROM purging p JOIN batches b ON b.${ofRun}) AS entries,
                (SELECT coalesce(sum(length(b.data)), 0) FROM purging p JOIN batches b ON b.${ofRun}) AS entryBytes,
                (SELECT count(*) FROM snapshots WHERE run_id IN (SELECT run_id FROM purging)) AS snapshots, (SELECT coalesce(sum(length(data)), 0) FROM snapshots WHERE run_id IN (SELECT run_id FROM purging)) AS snapshotBytes`,
      )
      .get() as { entries: number; entryBytes: number; snapshots: number; snapshotBytes: number };
    const dropBatches = db.prepare(`DELETE FROM batches WHERE id BETWEEN ${ID("?", "0")} AND ${ID("?", "4294967295")}`);
    for (const no of db.prepare("SELECT run_no FROM purging WHERE run_no IS NOT NULL").pluck().all()) dropBatches.run(no, no);
    db.exec(`DELETE FROM snapshots WHERE run_id IN (SELECT run_id FROM purging); DELETE FROM runs WHERE run_id IN (SELECT run_id FROM purging); DELETE FROM purging;`);
    return { runs, entries: sizes.entries, snapshots: sizes.snapshots, bytes: sizes.entryBytes + sizes.snapshotBytes };
  }

  claim(runId: string, lease: RunLease, isDead: (held: RunLease) => boolean): RunLease | null {
    this.heads.delete(runId);
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
    this.heads.delete(run.runId);
    this.guard(() => this.createTx.immediate(run, first, seed));
  }

  getRun(runId: string): RunRecord | undefined {
    return this.guard(() => {
      const row = this.stmts.getRun.get(runId) as RunRow | undefined;
      return row === undefined ? undefined : toRecord(row);
    });
  }

  commit(batch: readonly RunBatch[]): readonly RefusedRun[] {
    // Packed outside the transaction; IMMEDIATE, since the transaction reads (the fence) before it writes.
    const rows = batch.map((b) => pack(b.entries));
    const staged: Head[] = [];
    let refused: RefusedRun[];
    try {
      refused = this.guard(() => this.commitTx.immediate(batch, rows, staged));
    } catch (error) {
      this.heads.clear();
      throw error;
    }
    // Committed: what this connection wrote is what the file holds.
    if (this.heads.size > 10_000) this.heads.clear();
    for (const h of staged) {
      if (h.finished) this.heads.delete(h.runId);
      else this.heads.set(h.runId, h);
    }
    return refused;
  }

  read(runId: string, options: { readonly after?: number; readonly kind?: EntryKind } = {}): StoredEntry[] {
    return this.guard(() => {
      const after = options.after ?? 0;
      const rows = (options.kind === undefined
        ? this.stmts.read.all({ run: runId, after })
        : this.stmts.readKind.all({ run: runId, after, kind: this.legacy ? options.kind : kindBit(options.kind) })) as { seq: number; last_seq: number; data: string }[];
      const out: StoredEntry[] = [];
      for (const r of rows) unpack(r, after, options.kind, out);
      return out;
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
        where.push("r.workflow = ?");
        params.push(filter.workflow);
      }
      if (filter.status !== undefined) {
        const statuses = typeof filter.status === "string" ? [filter.status] : [...filter.status];
        where.push(`r.status IN (${statuses.map(() => "?").join(", ") || "NULL"})`);
        params.push(...statuses);
      }
      const runs = `${this.runsSelect()}${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""}`;
      let sql = `${runs} ORDER BY r.created_at, r.run_id`;
      if (filter.limit !== undefined) {
        sql = `SELECT * FROM (${runs} ORDER BY r.created_at DESC, r.run_id DESC LIMIT ?)`;
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
