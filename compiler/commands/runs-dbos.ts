// `flowspec runs list|show|cancel --pg URL`: the runs of flowspec/dbos, read from the DBOS system
// database through DBOS's client (dbos/runs-read.ts). Loaded by runs.ts only when `--pg` is given, so
// DBOS and pg never load for another command. Output and exit statuses follow the journal variant:
// 0 ok, 1 unknown run (or, for cancel, one that has ended), 2 bad usage, a bad URL, an unreachable
// Postgres or one without DBOS's tables (one line naming the URL, its password masked). Every
// line is escaped with `printable`: run ids, payloads and error messages come from user code.

import { printable, printableJson } from "../text.js";
import type { DbosRunRecord, DbosRuns, DbosRunStatus, DbosStreamEntry } from "../../dbos/runs-read.js";
import { brief, iso, outcomeLine, table, timelineLines, timelineOf } from "./runs.js";
import type { CommandIO } from "./types.js";
import { printVerdicts, specShapes, type RunVerdict, type SpecShapes } from "./runs-lifecycle.js";

export interface DbosRunsFlags {
  readonly runId: string | undefined;
  readonly workflow: string | undefined;
  readonly status: DbosRunStatus | undefined;
  readonly format: string;
}

export async function dbosRunsCommand(sub: "list" | "show" | "cancel" | "check", url: string, flags: DbosRunsFlags, io: CommandIO, specPaths: readonly string[] = []): Promise<number> {
  // The specs first: a spec with errors is reported before Postgres is opened.
  const shapes = sub === "check" ? await specShapes(specPaths, io) : null;
  if (sub === "check" && shapes === null) return 2;
  let runs: DbosRuns;
  let where = "";
  try {
    const { openDbosRuns } = await import("../../dbos/runs-read.js");
    runs = await openDbosRuns(url);
    where = runs.where;
  } catch (error) {
    const missing = (error as { code?: string })?.code === "ERR_MODULE_NOT_FOUND" && /@dbos-inc\/dbos-sdk/.test(String((error as Error)?.message));
    io.stderr.write(`flowspec runs: ${missing ? "--pg needs the optional peer dependency @dbos-inc/dbos-sdk: npm install @dbos-inc/dbos-sdk@~5.3" : printable(oneLine(error))}\n`);
    return 2;
  }
  try {
    if (sub === "list") return await list(runs, flags, io);
    if (sub === "cancel") return await cancel(runs, flags.runId!, io);
    if (sub === "check") return await check(runs, shapes!, flags.format, io);
    return await show(runs, flags.runId!, flags.format, io);
  } catch (error) {
    io.stderr.write(`flowspec runs: reading the DBOS system database at ${printable(where)}: ${printable(oneLine(error))}\n`);
    return 2;
  } finally {
    await runs.close();
  }
}

/**
 * `runs check --pg`: whether workers of these specs would go on with each unfinished run. A run of
 * another version goes on only when DBOS's rule for versions allows it (dbos/versions.ts: DESIGN's
 * compatibility rule with everything of the run's version counted as touched, and the same routing);
 * else workers of its own version must finish it.
 */
async function check(runs: DbosRuns, shapes: SpecShapes, format: string, io: CommandIO): Promise<number> {
  const { continueBreaks } = await import("../../dbos/versions.js");
  const unfinished = (await runs.list()).filter((r) => r.status === "running" || r.status === "waiting");
  const verdicts: RunVerdict[] = [];
  for (const run of unfinished) {
    const base = { runId: run.runId, workflow: run.workflow, status: run.status };
    const target = shapes.get(run.workflow);
    if (target === undefined) {
      verdicts.push({ ...base, spec: null, resumable: false, problems: [`no spec among these defines workflow ${run.workflow}`] });
      continue;
    }
    let problems: string[] = [];
    if (run.fingerprint !== target.fingerprint) {
      const shape = await runs.shapeOf(run);
      problems = shape === null ? [`the shape of its version (${run.fingerprint ?? "unknown"}) is not recorded, so it cannot be compared`] : continueBreaks(shape, target.shape);
    }
    verdicts.push({ ...base, spec: target.spec, resumable: problems.length === 0, problems });
  }
  return printVerdicts(verdicts, format, io, {
    ok: "can be continued by workers of these specs",
    blocked: "cannot be continued by workers of these specs: keep workers of their version until they finish, or cancel them (flowspec runs cancel --pg)",
  });
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.split("\n")[0]!.trim();
}

function summary(r: DbosRunRecord) {
  return {
    runId: r.runId,
    workflow: r.workflow,
    status: r.status,
    reason: r.reason,
    startedAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    fingerprint: r.fingerprint,
    dbos: { status: r.dbosStatus, appName: r.appName, appVersion: r.appVersion, executorId: r.executorId, queue: r.queue },
  };
}

async function list(runs: DbosRuns, flags: DbosRunsFlags, io: CommandIO): Promise<number> {
  const found = await runs.list({ ...(flags.workflow ? { workflow: flags.workflow } : {}), ...(flags.status ? { status: flags.status } : {}) });
  if (flags.format === "json") {
    io.stdout.write(`${printableJson({ runs: found.map(summary) })}\n`);
    return 0;
  }
  if (found.length === 0) {
    io.stdout.write("no runs\n");
    return 0;
  }
  const rows = [
    ["RUN ID", "WORKFLOW", "STATUS", "STARTED", "UPDATED", "VERSION", "REASON"],
    ...found.map((r) => [r.runId, r.workflow, r.status, iso(r.createdAt), iso(r.updatedAt), r.fingerprint ?? "-", r.reason ?? ""]),
  ];
  io.stdout.write(table(rows).replace(/ +$/gm, ""));
  return 0;
}

function unknown(runs: DbosRuns, runId: string, found: { missing: true } | { foreign: string }, io: CommandIO): number {
  io.stderr.write(
    "foreign" in found
      ? `flowspec runs: "${printable(runId)}" is a DBOS workflow (${printable(found.foreign)}), not a flowspec run\n`
      : `flowspec runs: no run "${printable(runId)}" in the DBOS system database at ${printable(runs.where)}\n`,
  );
  return 1;
}

function streamLine(e: DbosStreamEntry): string {
  return "event" in e ? `  #${e.index}  ${e.event.type} ${brief(e.event.data)}` : `  #${e.index}  error ${e.error.name}: ${e.error.message}`;
}

async function show(runs: DbosRuns, runId: string, format: string, io: CommandIO): Promise<number> {
  const found = await runs.show(runId);
  if (!("run" in found)) return unknown(runs, runId, found, io);
  const { run, ticks, stream, outcome } = found.run;
  const { timeline, attempts } = timelineOf(ticks.map((t) => ({ seq: t.seq, at: t.at, entry: { kind: "tick" as const, tick: t.tick } })), run.createdAt);
  if (format === "json") {
    io.stdout.write(`${printableJson({ run: { ...summary(run), ticks: run.ticks }, outcome, attempts, timeline, stream })}\n`);
    return 0;
  }
  const lines = [
    `run ${run.runId} (${run.workflow}, fingerprint ${run.fingerprint ?? "unknown"})`,
    `status ${run.status}${run.reason ? ` (${run.reason})` : ""}; started ${iso(run.createdAt)}; updated ${iso(run.updatedAt)}; ${run.ticks} ticks; ${Math.max(0, run.updatedAt - run.createdAt)} ms`,
    `DBOS: ${run.dbosStatus}; app ${run.appName ?? "-"}, version ${run.appVersion ?? "-"}, executor ${run.executorId ?? "-"}, queue ${run.queue ?? "-"}`,
    "",
    ...timelineLines(timeline),
    "",
    `stream: ${stream.length} ${stream.length === 1 ? "entry" : "entries"}`,
    ...stream.map(streamLine),
    `attempts: ${attempts.length} finished (DBOS checkpoints outcomes, not starts: no durations)`,
    outcomeLine(outcome),
  ];
  io.stdout.write(`${lines.map(printable).join("\n")}\n`);
  return 0;
}

async function cancel(runs: DbosRuns, runId: string, io: CommandIO): Promise<number> {
  const found = await runs.cancel(runId);
  if (!("run" in found)) return unknown(runs, runId, found, io);
  const { before, cancelled } = found.run;
  if (!cancelled) {
    io.stderr.write(`flowspec runs: run "${printable(runId)}" has already ended (${before.status}); nothing to cancel\n`);
    return 1;
  }
  io.stdout.write(
    `cancelled ${printable(runId)} (${printable(before.workflow)}, was ${before.status}); the worker running it stops within about a second (DBOS's cancellation check), and flow.resume(runId) continues it\n`,
  );
  return 0;
}
