// The deploy and lifecycle subcommands of `flowspec runs`:
//   runs check <specs...>     whether the current specs can resume each unfinished run, and why not
//                             (the pre-deploy gate; exit 1 when any cannot)
//   runs cancel <runId>       ends an unfinished run as cancelled (its owner, wherever it is, stops)
//   runs purge --before <age> deletes finished runs last updated longer ago than <age> (30s, 15m, 12h,
//                             7d, 2w); never an unfinished run
// They share `runs`' journal handling (runs.ts); every text they print goes through `printable`.

import { readFile } from "node:fs/promises";
import { analyze } from "../analyze.js";
import { hasErrors } from "../diagnostics.js";
import { findSpecFiles } from "../files.js";
import { formatText } from "../format.js";
import { shapeOfModel } from "../shape.js";
import { printable, printableJson } from "../text.js";
import { resumeProblems, shapeFingerprint, UNFINISHED, type Journal, type RunRecord, type WorkflowShape } from "../../runtime/durable/index.js";
import { UsageError, type CommandIO } from "./types.js";

/** The version each spec defines, by workflow name. */
export type SpecShapes = ReadonlyMap<string, { readonly shape: WorkflowShape; readonly fingerprint: string; readonly spec: string }>;

/** Whether one unfinished run can go on under the specs, and why not. */
export interface RunVerdict {
  readonly runId: string;
  readonly workflow: string;
  readonly status: string;
  readonly spec: string | null;
  readonly resumable: boolean;
  readonly problems: readonly string[];
}

/** The shapes of the specs at `specPaths` (default specs/), or null (printed) when one has errors: exit 2. */
export async function specShapes(specPaths: readonly string[], io: CommandIO): Promise<SpecShapes | null> {
  const shapes = new Map<string, { shape: WorkflowShape; fingerprint: string; spec: string }>();
  for (const file of await findSpecFiles(specPaths, io.cwd)) {
    const source = await readFile(file.path, "utf8");
    const { model, diagnostics } = analyze(source, { path: file.display });
    if (model === undefined || hasErrors(diagnostics)) {
      io.stderr.write(formatText([{ path: file.display, source, diagnostics }], { color: false }));
      io.stderr.write(`flowspec runs check: ${printable(file.display)} has errors; fix them to check runs against it\n`);
      return null;
    }
    const shape = shapeOfModel(model);
    shapes.set(model.workflow, { shape, fingerprint: shapeFingerprint(shape), spec: file.display });
  }
  return shapes;
}

/** `runs check`: exit 0 when every unfinished run can be resumed by the specs, 1 when one cannot, 2 when a spec has errors. */
export async function checkRuns(journal: Journal, specPaths: readonly string[], format: string, io: CommandIO): Promise<number> {
  const shapes = await specShapes(specPaths, io);
  if (shapes === null) return 2;
  const verdicts = journal.list({ status: UNFINISHED }).map((run) => verdict(journal, run, shapes));
  return printVerdicts(verdicts, format, io, {
    ok: "can be resumed by these specs",
    blocked: "cannot be resumed by these specs: finish them on the old version, or cancel them (flowspec runs cancel)",
  });
}

/** Prints `runs check`'s verdicts; exit 1 when a run cannot go on. `words` end the summary line: what ok and blocked mean on this backend. */
export function printVerdicts(verdicts: readonly RunVerdict[], format: string, io: CommandIO, words: { readonly ok: string; readonly blocked: string }): number {
  const blocked = verdicts.filter((v) => !v.resumable).length;
  if (format === "json") {
    io.stdout.write(`${printableJson({ runs: verdicts, blocked })}\n`);
    return blocked > 0 ? 1 : 0;
  }
  const lines: string[] = [];
  for (const v of verdicts) {
    lines.push(`${v.resumable ? "ok        " : "CANNOT    "}${v.runId} (${v.workflow}, ${v.status})${v.spec ? ` by ${v.spec}` : ""}`);
    for (const problem of v.problems) lines.push(`            ${problem}`);
  }
  lines.push(
    verdicts.length === 0
      ? "No unfinished runs."
      : blocked === 0
        ? `All ${verdicts.length} unfinished runs ${words.ok}.`
        : `${blocked} of ${verdicts.length} unfinished runs ${words.blocked}.`,
  );
  io.stdout.write(`${lines.map(printable).join("\n")}\n`);
  return blocked > 0 ? 1 : 0;
}

function verdict(journal: Journal, run: RunRecord, shapes: SpecShapes): RunVerdict {
  const base = { runId: run.runId, workflow: run.workflow, status: run.status };
  const target = shapes.get(run.workflow);
  if (target === undefined) return { ...base, spec: null, resumable: false, problems: [`no spec among these defines workflow ${run.workflow}`] };
  let problems: string[];
  try {
    problems = resumeProblems(journal, run, target.shape, target.fingerprint);
  } catch (error) {
    problems = [`its journal cannot be replayed: ${error instanceof Error ? error.message : String(error)}`];
  }
  return { ...base, spec: target.spec, resumable: problems.length === 0, problems };
}

/** `runs cancel <runId>`: 0 cancelled, 1 unknown or already finished. */
export function cancelRun(journal: Journal, runId: string, io: CommandIO): number {
  const before = journal.getRun(runId);
  if (before === undefined) {
    io.stderr.write(`flowspec runs: no run "${printable(runId)}" in this journal\n`);
    return 1;
  }
  if (!UNFINISHED.includes(before.status)) {
    io.stderr.write(`flowspec runs: run "${printable(runId)}" has already ended (${before.status}); nothing to cancel\n`);
    return 1;
  }
  journal.cancel(runId);
  io.stdout.write(`cancelled ${printable(runId)} (${printable(before.workflow)}, was ${before.status}); a process still driving it stops at its next write, within 10 s\n`);
  return 0;
}

/** `runs purge --before <age>`. */
export function purgeRuns(journal: Journal, age: string, workflow: string | undefined, format: string, io: CommandIO): number {
  const before = Date.now() - durationMs(age);
  const report = journal.purge({ before, ...(workflow !== undefined ? { workflow } : {}) });
  if (format === "json") io.stdout.write(`${JSON.stringify({ before: new Date(before).toISOString(), ...report })}\n`);
  else {
    io.stdout.write(
      `purged ${report.runs} finished run${report.runs === 1 ? "" : "s"} last updated before ${new Date(before).toISOString()}: ` +
        `${report.entries} entries and ${report.snapshots} snapshots, ${(report.bytes / 1024).toFixed(1)} KB of payload (unfinished runs are never purged)\n`,
    );
  }
  return 0;
}

/** `7d` → ms. Units: s, m, h, d, w. */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/.exec(text.trim());
  if (m === null) throw new UsageError(`--before takes an age such as 30s, 15m, 12h, 7d or 2w, got '${text}'`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as "s" | "m" | "h" | "d" | "w"];
  return Number(m[1]) * unit;
}
