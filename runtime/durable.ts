// Rebuilding a journaled run: the latest snapshot, then the ticks after it through the reducer
// (commands ignored: replay starts nothing), plus what the run's stream carried.

import { Context } from "./context.js";
import type { Event } from "./event.js";
import { CONTEXT } from "./internals.js";
import { parseEntry, type Journal, type RunRecord, type WorkflowShape } from "./journal.js";
import type { JournalWriter } from "./journal-writer.js";
import { reduceInto, type CommandSink } from "./reduce.js";
import type { ContextJSON } from "./serialize.js";
import { decodeError, decodeEvent, decodeTick } from "./tick-codec.js";
import type { Workflow } from "./workflow.js";
import type { WorkflowHandler } from "./handler.js";

/** A durable workflow instance's journal settings. */
export interface DurableBinding {
  readonly journal: Journal;
  readonly writer: JournalWriter;
  readonly shape: WorkflowShape;
  readonly fingerprint: string;
  readonly commitBeforeSteps: boolean;
  readonly snapshotEvery: number;
  /** Runs of this instance that are live in this process, by runId. */
  readonly live: Map<string, WorkflowHandler<any, any>>;
}

/** A rebuilt run. */
export interface RebuiltRun {
  readonly ctx: Context<any>;
  /** Events the run's stream carried, in order. */
  readonly streamed: Event[];
  /** Ticks replayed after the snapshot. */
  readonly sinceSnapshot: number;
  /** Set when the run had finished: how it ended. */
  readonly finished: { readonly error: Error | null; readonly result: Event | null } | null;
}

const DISCARD: CommandSink = { push: () => undefined };

/** Rebuilds `record`'s run from `journal` onto `workflow` (throws `JournalMismatchError` on unknown names). */
export function rebuildRun(workflow: Workflow<any, any, any, any>, journal: Journal, record: RunRecord): RebuiltRun {
  const snapshot = journal.latestSnapshot(record.runId);
  let ctx: Context<any>;
  if (snapshot !== undefined) {
    const json = JSON.parse(snapshot.json) as ContextJSON;
    ctx = Context.fromJSON(workflow, json);
    ctx[CONTEXT].run.status = json.status; // fromJSON marks a running context paused; replay needs it running
    ctx[CONTEXT].backlog = [];
  } else ctx = new Context(workflow);
  const ci = ctx[CONTEXT];
  const env = ci.env;
  let replayed = 0;
  for (const stored of journal.read(record.runId, { after: snapshot?.seq ?? 0, kind: "tick" })) {
    const entry = parseEntry(stored);
    if (entry.kind !== "tick") continue;
    reduceInto(ci.run, decodeTick(entry.tick, env, ci.run.state), env, DISCARD);
    replayed++;
  }
  const streamed: Event[] = [];
  for (const stored of journal.read(record.runId, { kind: "stream" })) {
    const entry = parseEntry(stored);
    if (entry.kind === "stream") streamed.push(decodeEvent(env, entry.event));
  }
  let finished: RebuiltRun["finished"] = null;
  const outcome = record.outcome;
  if (outcome !== null && record.status !== "cancelled") {
    if ("result" in outcome) finished = { error: null, result: decodeEvent(env, outcome.result) };
    else {
      const error = decodeError(outcome.error);
      finished = { error: error instanceof Error ? error : new Error(String(error)), result: null };
    }
  }
  if (ci.run.status === "running") ci.run.status = "paused";
  return { ctx, streamed, sinceSnapshot: replayed, finished };
}
