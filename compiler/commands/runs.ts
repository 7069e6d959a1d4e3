// `flowspec runs list|show|check|cancel|purge` (see RUNS_USAGE): inspect and manage a durable-run
// journal (flowspec/sqlite). The SQLite module is imported lazily, so other commands never load
// the native better-sqlite3 module. Exit status: 0 ok, 1 unknown run, 2 bad usage or an unusable
// journal file (missing, damaged, another program's). The journal is opened read-only, so a file the
// user may not write (or a read-only disk) can still be inspected. Run ids, store keys, payloads and
// error messages come from user code: every line is escaped with `printable`, as `check` does, so
// they cannot drive the terminal. With `--pg URL`, list, show, check and cancel read the runs of flowspec/dbos
// from Postgres instead (runs-dbos.ts; DBOS and pg are imported only then), with the same output and
// exit statuses (2 also for a bad URL, an unreachable Postgres or one without DBOS's tables).

import { resolve } from "node:path";
import type { Journal, JournalEntry, JournalStatus, RunRecord } from "../../runtime/durable/index.js";
import { cancelRun, checkRuns, durationMs, purgeRuns } from "./runs-lifecycle.js";
import { printable, printableJson } from "../text.js";
import { parseArgs } from "./args.js";
import { UsageError, type Command, type CommandIO } from "./types.js";

const RUNS_USAGE = `usage:
  flowspec runs list [--journal FILE | --pg URL] [--workflow NAME] [--status STATUS] [--format text|json]
  flowspec runs show <runId> [--journal FILE | --pg URL] [--format text|json]
  flowspec runs check [specs...] [--journal FILE | --pg URL] [--format text|json]
  flowspec runs cancel <runId> [--journal FILE | --pg URL]
  flowspec runs purge --before AGE [--workflow NAME] [--journal FILE] [--format text|json]

Lists the runs of a durable-run journal (default file: flowspec-runs.db), or shows one run's
timeline: its ticks, events, step attempts with durations, stream events and outcome.
STATUS is running, waiting, completed, failed, cancelled or timed_out (DBOS runs only).
check: whether the specs (default: specs/) can resume each unfinished run, and why not; exit 1
when one cannot (run it before a deploy). cancel: ends an unfinished run. purge: deletes finished
runs last updated more than AGE ago (30s, 15m, 12h, 7d, 2w).
--pg URL: list, show, check and cancel the runs of flowspec/dbos in that DBOS system database
(Postgres) instead of a journal file; check then says whether workers of the specs would go on with
each run. The password may come from PGPASSWORD instead of the URL.
`;

const STATUSES = ["running", "waiting", "completed", "failed", "cancelled", "timed_out"] as const;
export const DEFAULT_JOURNAL = "flowspec-runs.db";

const SUBCOMMANDS = ["list", "show", "check", "cancel", "purge"];

export const runsCommand: Command = async (args, io) => {
  const { flags, positionals } = parseArgs(args, {
    flags: {
      journal: { type: "string" },
      pg: { type: "string" },
      format: { type: "string", choices: ["text", "json"], default: "text" },
      workflow: { type: "string" },
      status: { type: "string", choices: STATUSES },
      before: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    positionals: { min: 0, name: "argument" },
  });
  if (flags.help) {
    io.stdout.write(RUNS_USAGE);
    return 0;
  }
  const [sub, ...rest] = positionals;
  const runId = rest[0];
  if (sub === undefined || !SUBCOMMANDS.includes(sub)) {
    io.stderr.write(`flowspec runs: ${sub === undefined ? "missing the subcommand" : `unknown subcommand '${printable(sub)}'`} (${SUBCOMMANDS.join(", ")})\n${RUNS_USAGE}`);
    return 2;
  }
  if ((sub === "show" || sub === "cancel") && rest.length !== 1) throw new UsageError(`${sub} needs one <runId>`);
  if ((sub === "list" || sub === "purge") && rest.length > 0) throw new UsageError(`${sub} takes no argument, got '${printable(rest[0]!)}'`);
  if (sub === "purge" && flags.before === undefined) throw new UsageError("purge needs --before AGE (30s, 15m, 12h, 7d, 2w)");
  if (sub === "purge") durationMs(flags.before!); // a bad age is a usage error before the file is opened
  if (flags.pg !== undefined) {
    if (flags.journal !== undefined) throw new UsageError("--pg and --journal are mutually exclusive: --pg reads DBOS runs from Postgres, --journal a SQLite journal file");
    if (sub === "purge") throw new UsageError("purge reads a SQLite journal; DBOS keeps its own runs (DBOSClient.deleteWorkflows)");
    // DBOS and pg are loaded here only: no other command (nor runs on a journal) pays for them.
    const { dbosRunsCommand } = await import("./runs-dbos.js");
    return dbosRunsCommand(sub as "list" | "show" | "cancel" | "check", flags.pg, { runId, workflow: flags.workflow, status: flags.status, format: flags.format }, io, rest);
  }
  if (flags.status === "timed_out") throw new UsageError("--status timed_out is for DBOS runs (--pg); a journal records a timed-out run as failed");
  const file = flags.journal ?? DEFAULT_JOURNAL;

  let journal: Journal;
  try {
    const { SqliteJournal } = await import("../../sqlite/index.js");
    // Only cancel and purge write; the others read, so a file the user may not write can be inspected.
    journal = new SqliteJournal(resolve(io.cwd, file), { readonly: sub !== "cancel" && sub !== "purge", mustExist: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`flowspec runs: ${printable(message.startsWith(resolve(io.cwd, file)) ? message.replace(resolve(io.cwd, file), file) : message)}\n`);
    return 2;
  }
  try {
    if (sub === "list") return list(journal, { ...flags, status: flags.status as JournalStatus | undefined }, io);
    if (sub === "check") return await checkRuns(journal, rest, flags.format, io);
    if (sub === "cancel") return cancelRun(journal, runId!, io);
    if (sub === "purge") return purgeRuns(journal, flags.before!, flags.workflow, flags.format, io);
    return show(journal, runId!, flags.format, io);
  } finally {
    journal.close();
  }
};

function list(journal: Journal, flags: { format: string; workflow?: string; status?: JournalStatus }, io: CommandIO): number {
  const runs = journal.list({ ...(flags.workflow ? { workflow: flags.workflow } : {}), ...(flags.status ? { status: flags.status } : {}) });
  if (flags.format === "json") {
    io.stdout.write(`${printableJson({ runs: runs.map(summary) })}\n`);
    return 0;
  }
  if (runs.length === 0) {
    io.stdout.write("no runs\n");
    return 0;
  }
  const rows = [["RUN ID", "WORKFLOW", "STATUS", "STARTED", "UPDATED", "TICKS"], ...runs.map((r) => [r.runId, r.workflow, r.status, iso(r.createdAt), iso(r.updatedAt), String(r.ticks)])];
  io.stdout.write(table(rows));
  return 0;
}

function summary(r: RunRecord) {
  return { runId: r.runId, workflow: r.workflow, status: r.status, startedAt: iso(r.createdAt), updatedAt: iso(r.updatedAt), ticks: r.ticks, fingerprint: r.fingerprint };
}

export interface Attempt {
  step: string;
  seq: number;
  attempt: number;
  /** null when only the outcome is journaled (DBOS). */
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  outcome: "running" | "succeeded" | "failed" | "interrupted";
  detail: string;
}

function show(journal: Journal, runId: string, format: string, io: CommandIO): number {
  const run = journal.getRun(runId);
  if (run === undefined) {
    io.stderr.write(`flowspec runs: no run "${printable(runId)}" in this journal\n`);
    return 1;
  }
  const entries = journal.read(runId).map((stored) => ({ seq: stored.seq, at: stored.at, entry: JSON.parse(stored.json) as JournalEntry }));
  const { timeline, attempts } = timelineOf(entries, run.createdAt);
  const outcome: { result: { type: string; data: unknown } } | { error: { name: string; message: string } } | null =
    run.outcome === null ? null : "result" in run.outcome ? { result: run.outcome.result } : { error: { name: run.outcome.error.name, message: run.outcome.error.message } };
  if (format === "json") {
    io.stdout.write(`${printableJson({ run: summary(run), outcome, attempts, timeline })}\n`);
    return 0;
  }
  const lines = [
    `run ${run.runId} (${run.workflow}, fingerprint ${run.fingerprint})`,
    `status ${run.status}; started ${iso(run.createdAt)}; updated ${iso(run.updatedAt)}; ${run.ticks} ticks; ${Math.max(0, run.updatedAt - run.createdAt)} ms`,
    "",
    ...timelineLines(timeline),
    "",
    `attempts: ${attempts.length} (${attempts.filter((a) => a.outcome === "interrupted").length} interrupted by a crash or stop)`,
    outcomeLine(outcome),
  ];
  io.stdout.write(`${lines.map(printable).join("\n")}\n`);
  return 0;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  offsetMs: number;
  kind: string;
  text: string;
}

/**
 * A run's journal entries as a timeline, and its step attempts. An attempt whose start is not in
 * the journal (DBOS checkpoints outcomes only) is counted from its outcome, with no start or duration.
 */
export function timelineOf(entries: readonly { seq: number; at: number; entry: JournalEntry }[], t0: number): { timeline: TimelineEntry[]; attempts: Attempt[] } {
  const attempts = new Map<string, Attempt>();
  const timeline: TimelineEntry[] = [];
  for (const { seq, at, entry } of entries) {
    let text: string;
    if (entry.kind === "attempt") {
      // A new process re-running an attempt marks the previous start of that delivery interrupted.
      for (const a of attempts.values()) if (a.step === entry.step && a.seq === entry.seq && a.outcome === "running") a.outcome = "interrupted";
      attempts.set(`${entry.step}#${entry.seq}#${entry.attempt}#${seq}`, {
        step: entry.step, seq: entry.seq, attempt: entry.attempt, startedAt: at, endedAt: null, durationMs: null, outcome: "running", detail: "",
      });
      text = `step ${entry.step} attempt ${entry.attempt} started (delivery ${entry.seq})`;
    } else if (entry.kind === "stream") {
      text = `stream #${entry.index}: ${entry.event.type} ${brief(entry.event.data)}`;
    } else {
      const t = entry.tick;
      switch (t.type) {
        case "run_started": text = `run started with ${t.start.type} ${brief(t.start.data)}`; break;
        case "run_resumed": text = "run resumed (in-flight work re-dispatched)"; for (const a of attempts.values()) if (a.outcome === "running") a.outcome = "interrupted"; break;
        case "event_sent": text = `${t.event.type} ${brief(t.event.data)} sent by ${t.from === null ? "outside" : `step ${t.from}`}${t.target ? ` to ${t.target}` : ""}`; break;
        case "attempt_succeeded":
        case "attempt_failed": {
          let a = [...attempts.values()].reverse().find((x) => x.step === t.step && x.seq === t.seq && x.attempt === t.attempt && x.outcome === "running");
          if (a === undefined) {
            a = { step: t.step, seq: t.seq, attempt: t.attempt, startedAt: null, endedAt: null, durationMs: null, outcome: "running", detail: "" };
            attempts.set(`${t.step}#${t.seq}#${t.attempt}#${seq}`, a);
          }
          const ok = t.type === "attempt_succeeded";
          const detail = ok ? (t.result === null ? "returned nothing" : `returned ${t.result.type}`) : `threw ${t.error.name}: ${t.error.message}`;
          const durationMs = a.startedAt === null ? null : at - a.startedAt;
          Object.assign(a, { endedAt: at, durationMs, outcome: ok ? "succeeded" : "failed", detail });
          text = `step ${t.step} attempt ${t.attempt} ${ok ? "succeeded" : "failed"}${durationMs !== null ? ` in ${durationMs} ms` : ""}: ${detail}`;
          break;
        }
        case "retry_due": text = `retry due for step ${t.step} (delivery ${t.seq})`; break;
        case "stream_written": text = `stream write ${t.event.type}`; break;
        case "store_set": text = `store ${t.key} = ${brief(t.value)}`; break;
        case "state_set": text = `state = ${brief(t.state)}`; break;
        case "state_patch": text = `state ${brief({ ...t.set, ...Object.fromEntries(t.unset.map((k) => [k, null])) })}`; break;
        case "collected": text = `step ${t.step} collected${t.add ? ` (buffered ${t.add.event.type})` : ""}${t.take.length ? `, took ${t.take.length}` : ""}`; break;
        case "run_failed": text = `run failed: ${t.error.name}: ${t.error.message}`; break;
        case "timed_out": text = `timed out after ${t.timeout}s`; break;
        case "cancelled": text = "cancelled"; break;
        default: text = JSON.stringify(t);
      }
    }
    timeline.push({ seq, at: iso(at), offsetMs: at - t0, kind: entry.kind === "tick" ? entry.tick.type : entry.kind, text });
  }
  return { timeline, attempts: [...attempts.values()] };
}

export function timelineLines(timeline: readonly TimelineEntry[]): string[] {
  return timeline.map((e) => `${String(e.seq).padStart(5)}  +${String(e.offsetMs).padStart(6)} ms  ${e.text}`);
}

export function outcomeLine(outcome: { result: { type: string; data: unknown } } | { error: { name: string; message: string } } | null): string {
  return outcome === null ? "outcome: none yet" : "result" in outcome ? `outcome: ${outcome.result.type} ${brief(outcome.result.data)}` : `outcome: ${outcome.error.name}: ${outcome.error.message}`;
}

export function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Aligned columns of escaped cells. Widths come from a loop, not `Math.max(...column)`: a journal
 * can hold more runs than a call has room for arguments. */
export function table(rows: readonly (readonly string[])[]): string {
  const safe = rows.map((r) => r.map(printable));
  const widths = safe[0]!.map(() => 0);
  for (const r of safe) r.forEach((c, i) => (widths[i] = Math.max(widths[i]!, c.length)));
  return safe.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n") + "\n";
}
