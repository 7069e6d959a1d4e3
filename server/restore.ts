// On start with a journal: serve again the runs the journal holds. Unfinished runs are resumed
// (`flow.resume`), the most recent finished ones replayed; each one's stream is read from
// sequence 0 (`streamEvents({ from: 0 })`), so the log, and every cursor into it, is what it was
// before the restart: a reader resuming with `Last-Event-ID` gets no duplicates and misses nothing.

import { UNFINISHED, type Journal, type JournalStatus, type RunRecord } from "../runtime/index.js";
import { attachRun } from "../runtime/backend.js";
import { RunTable, ServedRun } from "./runs.js";
import type { ServedWorkflow } from "./workflows.js";

/** A journal run the server could not serve again, and why. */
export interface SkippedRun {
  readonly runId: string;
  readonly error: Error;
}

const RUN_ID = /^([A-Za-z0-9_-]{1,128})(?:\.(\d+))?$/;

/** The handler id a run id belongs to (`abc` and `abc.3` belong to `abc`), or null for a run the server did not name. */
export function handlerIdOf(runId: string): string | null {
  return RUN_ID.exec(runId)?.[1] ?? null;
}

const unfinished = (status: JournalStatus) => (UNFINISHED as readonly JournalStatus[]).includes(status);

/** The runs of a handler id in the journal, oldest first (`abc`, then `abc.2`, `abc.3`, …). */
export function runsOf(journal: Journal, handlerId: string): RunRecord[] {
  const out: RunRecord[] = [];
  for (let record = journal.getRun(handlerId), k = 2; record !== undefined; record = journal.getRun(`${handlerId}.${k++}`)) out.push(record);
  return out;
}

/** The latest run of a handler id in the journal, if any. */
function latestRun(journal: Journal, handlerId: string): RunRecord | undefined {
  return runsOf(journal, handlerId).at(-1);
}

/**
 * A handler the server does not hold in memory (evicted by retention, or never loaded), served again
 * from the journal: its latest run resumed or replayed, its stream read from 0. Undefined when the
 * journal has no run of a served workflow under that id.
 */
export async function loadRun(journal: Journal, served: ReadonlyMap<string, ServedWorkflow>, runs: RunTable, handlerId: string): Promise<ServedRun | undefined> {
  if (handlerIdOf(handlerId) !== handlerId) return undefined;
  const record = latestRun(journal, handlerId);
  if (record === undefined) return undefined;
  const w = [...served.values()].find((s) => s.definition.name === record.workflow);
  if (w === undefined) return undefined;
  const handler = w.flow.resume(record.runId);
  const run = new ServedRun(handlerId, w, handler, record.createdAt, handler.streamEvents({ from: 0 }), () => journal.getRun(record.runId)?.updatedAt);
  runs.add(run);
  if (!unfinished(record.status)) await run.settled; // a finished run is replayed at once: answer with its outcome
  return run;
}

/**
 * A handler of a workflow whose runs live outside this process (`flowspec/dbos`): any server process
 * serves any run. It is attached to (not resumed: a cancelled run stays cancelled), confirmed by
 * reading its state, and its stream is read from sequence 0. Its `started_at` is when this server
 * first served it. Undefined when no such workflow has a run of that id.
 */
export async function loadRemoteRun(served: ReadonlyMap<string, ServedWorkflow>, runs: RunTable, handlerId: string): Promise<ServedRun | undefined> {
  if (handlerIdOf(handlerId) !== handlerId) return undefined;
  for (const w of new Set(served.values())) {
    const handler = attachRun(w.flow, handlerId);
    if (handler === null) continue;
    try {
      await handler.state();
    } catch (error) {
      if ((error as Error)?.name === "RunNotFoundError") continue; // not a run of this workflow
      throw error;
    }
    const run = new ServedRun(handlerId, w, handler, Date.now(), handler.streamEvents({ from: 0 }));
    runs.add(run);
    return run;
  }
  return undefined;
}

export async function restoreRuns(journal: Journal, served: ReadonlyMap<string, ServedWorkflow>, runs: RunTable, retention: number, skipped: SkippedRun[]): Promise<void> {
  const byDefinition = new Map<string, ServedWorkflow>();
  for (const w of served.values()) if (!byDefinition.has(w.definition.name)) byDefinition.set(w.definition.name, w);
  const latest = new Map<string, RunRecord>();
  for (const record of journal.list()) {
    const id = handlerIdOf(record.runId);
    if (id === null || !byDefinition.has(record.workflow)) continue;
    const seen = latest.get(id);
    if (seen === undefined || seen.createdAt <= record.createdAt) latest.set(id, record);
  }
  const records = [...latest.entries()].sort((a, b) => a[1].createdAt - b[1].createdAt);
  const finished = records.filter(([, r]) => !unfinished(r.status));
  const keep = new Set(finished.slice(Math.max(0, finished.length - retention)).map(([id]) => id));
  const replays: Promise<void>[] = [];
  for (const [id, record] of records) {
    if (!unfinished(record.status) && !keep.has(id)) continue;
    const w = byDefinition.get(record.workflow)!;
    try {
      const handler = w.flow.resume(record.runId);
      const run = new ServedRun(id, w, handler, record.createdAt, handler.streamEvents({ from: 0 }), () => journal.getRun(record.runId)?.updatedAt);
      runs.add(run);
      if (!unfinished(record.status)) replays.push(run.settled);
    } catch (error) {
      skipped.push({ runId: record.runId, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  await Promise.all(replays); // finished runs answer with their outcome from the first request
}
