// Journal files of schema versions 1 and 2 (one row per entry in `entries`; version 1 without
// leases) are upgraded in place to version 3 (entries packed per commit in `batches`) the first
// time they are opened for writing, and read as they are when opened read-only. The files are
// written here with those versions' exact DDL and row layout, filled from real runs (journaled to a
// MemoryJournal), one of them cut after a prefix of its entries as a crash leaves it.

import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryJournal, type Journal } from "flowspec/runtime";
import { APPLICATION_ID, MAGIC, SCHEMA_VERSION, SqliteJournal } from "../../sqlite/index.js";
import { DurableFlow } from "../../specs/support/durable-flow.js";

const Database = createRequire(import.meta.url)("better-sqlite3");
const dir = mkdtempSync(join(tmpdir(), "flowspec-upgrade-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quietProbe = () => ({ delay: () => new Promise<void>((r) => setTimeout(r, 0)), effect: () => undefined });

/** The DDL of schema version 2 (sqlite/index.ts before version 3); version 1 lacks the lease columns. */
const SCHEMA_V2 = (version: 1 | 2) => `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, fingerprint TEXT NOT NULL, shape TEXT NOT NULL, status TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, ticks INTEGER NOT NULL, last_seq INTEGER NOT NULL, outcome TEXT
  ${version === 2 ? ", owner TEXT, lease_until INTEGER NOT NULL DEFAULT 0" : ""}
) WITHOUT ROWID;
CREATE INDEX runs_by_workflow_status ON runs (workflow, status);
CREATE TABLE entries (run_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
CREATE TABLE snapshots (run_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
`;

interface Source {
  readonly journal: Journal;
  readonly runId: string;
  /** Keep only the entries up to this seq (a crash lost the rest): the run is left running. */
  readonly cut?: number;
}

/** Writes the runs of `sources` into a new file of schema `version`, as that version laid them out. */
function writeOldFile(file: string, version: 1 | 2, sources: readonly Source[]): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(SCHEMA_V2(version));
  db.prepare("INSERT INTO meta (key, value) VALUES ('magic', ?), ('schema_version', ?)").run(MAGIC, String(version));
  db.pragma(`application_id = ${APPLICATION_ID}`);
  for (const { journal, runId, cut } of sources) {
    const record = journal.getRun(runId)!;
    const entries = journal.read(runId).filter((e) => cut === undefined || e.seq <= cut);
    const last = entries.at(-1)!;
    const ticks = entries.filter((e) => e.kind === "tick").length;
    const finished = cut === undefined;
    const row = [runId, record.workflow, record.fingerprint, JSON.stringify(record.shape), finished ? record.status : "running", record.createdAt, finished ? record.updatedAt : last.at, ticks, last.seq, finished && record.outcome ? JSON.stringify(record.outcome) : null];
    if (version === 2) db.prepare("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0)").run(...row);
    else db.prepare("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").run(...row);
    for (const e of entries) db.prepare("INSERT INTO entries VALUES (?, ?, ?, ?, ?)").run(runId, e.seq, e.at, e.kind, e.json);
    const snapshot = journal.latestSnapshot(runId);
    if (snapshot !== undefined && snapshot.seq <= last.seq) db.prepare("INSERT INTO snapshots VALUES (?, ?, ?, ?)").run(runId, snapshot.seq, snapshot.at, snapshot.json);
  }
  db.close();
}

async function observe(flow: DurableFlow, runId: string) {
  const handler = flow.resume(runId);
  const result = await handler;
  const stream: string[] = [];
  for await (const ev of handler.streamEvents({ from: 0 })) stream.push(`${ev.constructor.name} ${JSON.stringify(ev)}`);
  const json = handler.ctx.toJSON();
  return { result: JSON.stringify(result), state: json.state, store: json.store, stream: stream.sort() };
}

const schemaVersion = (file: string): number => {
  const db = new Database(file, { readonly: true });
  const v = Number(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get());
  db.close();
  return v;
};

describe("journal schema upgrade to version 3", () => {
  for (const version of [1, 2] as const) {
    it(`a version ${version} file: read-only opens read it as it is; the first open for writing upgrades it, keeping every entry; its unfinished run resumes to the uninterrupted outcome`, async () => {
      // Reference runs, journaled in memory (same writer, same entries as a file would get).
      const memory = new MemoryJournal();
      const reference = new DurableFlow({ journal: memory, resources: { probe: quietProbe } });
      await reference.run({ rounds: 6, width: 3 }, { runId: "done" });
      await reference.run({ rounds: 6, width: 3 }, { runId: "cut" });
      const expected = await observe(reference, "cut");
      const all = memory.read("cut");
      const cut = all[Math.floor(all.length / 2)]!.seq;

      const file = join(dir, `v${version}.db`);
      writeOldFile(file, version, [
        { journal: memory, runId: "done" },
        { journal: memory, runId: "cut", cut },
      ]);

      // Read-only: no upgrade, same reads.
      const ro = new SqliteJournal(file, { readonly: true });
      expect(ro.read("done")).toEqual(memory.read("done"));
      expect(ro.read("cut", { after: 5, kind: "stream" })).toEqual(memory.read("cut", { after: 5, kind: "stream" }).filter((e) => e.seq <= cut));
      expect(ro.getRun("done")).toMatchObject({ status: "completed", lastSeq: memory.getRun("done")!.lastSeq, ticks: memory.getRun("done")!.ticks });
      expect(ro.list().map((r) => [r.runId, r.status])).toEqual([
        ["done", "completed"],
        ["cut", "running"],
      ]);
      ro.close();
      expect(schemaVersion(file)).toBe(version);

      // Open for writing: upgraded, every entry kept, in order, with its seq, time and kind.
      const journal = new SqliteJournal(file);
      expect(schemaVersion(file)).toBe(SCHEMA_VERSION);
      expect(journal.read("done")).toEqual(memory.read("done"));
      expect(journal.read("cut")).toEqual(all.filter((e) => e.seq <= cut));
      for (const after of [0, 1, cut - 3, cut - 1, cut]) {
        for (const kind of [undefined, "tick", "attempt", "stream"] as const) {
          expect(journal.read("cut", { after, ...(kind ? { kind } : {}) })).toEqual(all.filter((e) => e.seq > after && e.seq <= cut && (kind === undefined || e.kind === kind)));
        }
      }
      const done = journal.getRun("done")!;
      expect(done).toMatchObject({ status: "completed", lastSeq: memory.getRun("done")!.lastSeq, ticks: memory.getRun("done")!.ticks, outcome: memory.getRun("done")!.outcome });
      expect(journal.getRun("cut")).toMatchObject({ status: "running", lastSeq: cut });

      // The cut run resumes from its journaled prefix and ends as the uninterrupted one did.
      const flow = new DurableFlow({ journal, resources: { probe: quietProbe } });
      const actual = await observe(flow, "cut");
      expect(actual).toEqual(expected);
      const finished = journal.getRun("cut")!;
      expect(finished.status).toBe("completed");
      expect(journal.read("cut").map((e) => e.seq)).toEqual(Array.from({ length: finished.lastSeq }, (_, i) => i + 1));
      expect(finished.ticks).toBe(journal.read("cut", { kind: "tick" }).length);
      // New runs after the upgraded ones, and purge over both.
      await flow.run({ rounds: 2, width: 2 }, { runId: "new" });
      expect(journal.list().map((r) => r.runId)).toEqual(["done", "cut", "new"]);
      const added = journal.getRun("new")!.lastSeq;
      const report = journal.purge({ before: Date.now() + 1 });
      expect(report).toMatchObject({ runs: 3, entries: memory.getRun("done")!.lastSeq + finished.lastSeq + added });
      expect(journal.list()).toEqual([]);
      journal.close();
    });
  }

  it("a version 3 file is left as it is, and a newer one is refused", () => {
    const file = join(dir, "v3.db");
    new SqliteJournal(file).close();
    expect(schemaVersion(file)).toBe(SCHEMA_VERSION);
    new SqliteJournal(file).close();
    expect(schemaVersion(file)).toBe(SCHEMA_VERSION);
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    db.close();
    expect(() => new SqliteJournal(file)).toThrow(/schema version 4/);
  });
});

describe("schema version 3: the run's record, kept partly in its last batch row", () => {
  it("commits, refusals, claims and cancels see the same record as MemoryJournal", () => {
    const file = join(dir, "record.db");
    const sqlite = new SqliteJournal(file);
    const memory = new MemoryJournal();
    const shape = { steps: [], events: [] } as never;
    // Every third entry's JSON is pretty-printed (raw newlines): such an entry gets a batch row of its own.
    const entry = (seq: number, kind: "tick" | "attempt" | "stream" = "tick") => ({ seq, at: 1_000 + seq, kind, json: JSON.stringify({ kind, seq, text: "a b\nc" }, null, seq % 3 === 0 ? 1 : 0) });
    const a = { owner: "1@h/a", until: Date.now() + 60_000 };
    const b = { owner: "2@h/b", until: Date.now() + 60_000 };
    const record = (j: Journal, id: string) => {
      const { shape: _s, ...rest } = j.getRun(id)!;
      return rest;
    };
    for (const j of [sqlite, memory] as Journal[]) {
      j.createRun({ runId: "r", workflow: "W", fingerprint: "f", shape, createdAt: 1_000, lease: a }, [entry(1)]);
      expect(j.commit([{ runId: "r", lease: a, entries: [entry(2, "attempt"), entry(3), entry(4, "stream")], status: "running", updatedAt: 2_000, outcome: null }]) ?? []).toEqual([]);
      // Entries with a newline in their JSON, and no entries at all (a renewal).
      expect(j.commit([{ runId: "r", lease: a, entries: [entry(5), entry(6), entry(7, "attempt")], status: "waiting", updatedAt: 3_000, outcome: null }]) ?? []).toEqual([]);
      expect(j.commit([{ runId: "r", lease: a, entries: [], status: "waiting", updatedAt: 3_500, outcome: null }]) ?? []).toEqual([]);
      expect(j.commit([{ runId: "r", lease: a, entries: [entry(8)], status: "running", updatedAt: 4_000, outcome: null }]) ?? []).toEqual([]);
      // Another owner's commit, and one that does not follow on, are refused.
      expect((j.commit([{ runId: "r", lease: b, entries: [entry(9)], status: "running", updatedAt: 5_000, outcome: null }]) ?? []).map((r) => r.runId)).toEqual(["r"]);
      expect((j.commit([{ runId: "r", lease: a, entries: [entry(10)], status: "running", updatedAt: 5_000, outcome: null }]) ?? []).map((r) => r.runId)).toEqual(["r"]);
      // b takes the run over (a's lease counted as dead); a is fenced, b goes on.
      expect(j.claim("r", b, () => true)).toBeNull();
      expect((j.commit([{ runId: "r", lease: a, entries: [entry(9)], status: "running", updatedAt: 5_000, outcome: null }]) ?? []).map((r) => r.runId)).toEqual(["r"]);
      expect(j.commit([{ runId: "r", lease: b, entries: [entry(9), entry(10, "attempt")], status: "running", updatedAt: 6_000, outcome: null }]) ?? []).toEqual([]);
      expect(j.claim("r", a, () => false)).toEqual(b);
    }
    expect(record(sqlite, "r")).toEqual(record(memory, "r"));
    expect(sqlite.read("r")).toEqual(memory.read("r"));
    for (const after of [0, 3, 4, 6, 9, 10]) for (const kind of ["tick", "attempt", "stream"] as const) expect(sqlite.read("r", { after, kind })).toEqual(memory.read("r", { after, kind }));
    expect(sqlite.list()).toEqual(memory.list());
    expect(sqlite.list({ status: "running", limit: 5 })).toEqual(memory.list({ status: "running", limit: 5 }));
    // Cancel from outside: the owner's next commit is refused as cancelled.
    expect(sqlite.cancel("r")).toMatchObject({ status: "cancelled", lastSeq: 10, ticks: memory.getRun("r")!.ticks });
    memory.cancel("r");
    expect(sqlite.commit([{ runId: "r", lease: b, entries: [entry(11)], status: "running", updatedAt: 7_000, outcome: null }])).toEqual(
      memory.commit([{ runId: "r", lease: b, entries: [entry(11)], status: "running", updatedAt: 7_000, outcome: null }]),
    );
    const { updatedAt: _u1, outcome: _o1, ...s } = record(sqlite, "r");
    const { updatedAt: _u2, outcome: _o2, ...m } = record(memory, "r");
    expect(s).toEqual(m);
    // A runs row made by hand (no run number) takes commits like any other.
    const raw = new Database(file);
    raw.prepare("INSERT INTO runs (run_id, workflow, fingerprint, shape, status, created_at, updated_at, ticks, last_seq, outcome) VALUES ('hand', 'W', 'f', '{}', 'running', 1, 1, 0, 0, NULL)").run();
    raw.close();
    expect(sqlite.commit([{ runId: "hand", entries: [entry(1), entry(2)], status: "running", updatedAt: 9_000, outcome: null }])).toEqual([]);
    expect(sqlite.read("hand").map((e) => e.seq)).toEqual([1, 2]);
    expect(sqlite.getRun("hand")).toMatchObject({ lastSeq: 2, ticks: 2, updatedAt: 9_000 });
    expect(sqlite.read("r")).toEqual(memory.read("r"));
    sqlite.close();
    // Two connections to one file: what one commits, the other's next commit sees (no stale fence).
    const one = new SqliteJournal(file);
    const two = new SqliteJournal(file);
    const lease = { owner: "3@h/c", until: Date.now() + 60_000 };
    one.createRun({ runId: "two", workflow: "W", fingerprint: "f", shape, createdAt: 1_000, lease }, [entry(1)]);
    expect(one.commit([{ runId: "two", lease, entries: [entry(2)], status: "running", updatedAt: 2_000, outcome: null }])).toEqual([]);
    expect(two.commit([{ runId: "two", lease, entries: [entry(3)], status: "running", updatedAt: 3_000, outcome: null }])).toEqual([]);
    expect(one.commit([{ runId: "two", lease, entries: [entry(3)], status: "running", updatedAt: 4_000, outcome: null }])).toMatchObject([{ runId: "two", reason: expect.stringMatching(/entries up to 3/) }]);
    expect(one.commit([{ runId: "two", lease, entries: [entry(4)], status: "running", updatedAt: 4_000, outcome: null }])).toEqual([]);
    two.claim("two", b, () => true);
    expect(one.commit([{ runId: "two", lease, entries: [entry(5)], status: "running", updatedAt: 5_000, outcome: null }])).toMatchObject([{ runId: "two", reason: expect.stringMatching(/lost its lease/) }]);
    expect(one.getRun("two")).toMatchObject({ lastSeq: 4, ticks: 4, updatedAt: 4_000 });
    one.close();
    two.close();
    // Reopened: the same.
    const again = new SqliteJournal(file, { readonly: true });
    expect(again.read("r")).toEqual(memory.read("r"));
    again.close();
  });
});
