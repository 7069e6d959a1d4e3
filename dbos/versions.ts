// Versions on DBOS: every process records the shape of each workflow version it constructs, keyed
// by the queue its runs go to. A worker then also serves the queues of earlier versions whose runs
// it can continue, so a compatible change needs no workers of the old version.
//
// "Can continue" is DESIGN's compatibility rule (runtime/durable/compat.ts), with every event and
// step of the earlier version counted as touched (a queued run may hold any of them), plus one
// condition of DBOS's own: the routing (steps, what each accepts and emits, workers, attempts) is
// the same. A DBOS run's checkpointed ticks are replayed under the worker's routing, so a change of
// routing would replay them to other decisions; the SQLite journal, which replays under the
// recorded shape, has no such condition.

import { diffShapes, type WorkflowShape } from "../runtime/index.js";
import { resumeBreaks } from "../runtime/durable/index.js";
import type { PgPool } from "./pg.js";

/** A workflow version this process constructed. */
export interface Version {
  readonly workflow: string;
  readonly fingerprint: string;
  readonly shape: WorkflowShape;
  readonly queue: string;
}

/** An earlier version whose runs a worker of `Version` continues. */
export interface ServedVersion {
  readonly workflow: string;
  readonly fingerprint: string;
  readonly queue: string;
}

const routing = (shape: WorkflowShape) =>
  JSON.stringify(shape.steps.map((s) => [s.name, s.accepts, s.emits, s.workers ?? null, s.attempts ?? null]));

/** Why a worker of shape `now` cannot continue a run of shape `was`; empty when it can. */
export function continueBreaks(was: WorkflowShape, now: WorkflowShape): string[] {
  if (routing(was) !== routing(now)) {
    const differences = diffShapes(was, now);
    return [`its steps are routed differently (${differences.length > 0 ? differences.join("; ") : "workers or attempts changed"})`];
  }
  const touched = { events: new Set(was.events.map((e) => e.name)), pending: new Map(was.steps.map((s) => [s.name, new Set(s.accepts)])) };
  return resumeBreaks(was, now, touched);
}

/** Records this process's versions (idempotent). Call under the launch lock: it may create the table. */
export async function recordVersions(pool: PgPool, appName: string, versions: readonly Version[]): Promise<void> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS flowspec;
      CREATE TABLE IF NOT EXISTS flowspec.shapes (app_name text NOT NULL, workflow text NOT NULL, fingerprint text NOT NULL,
        queue text NOT NULL, shape jsonb NOT NULL, seen_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (app_name, workflow, fingerprint));`);
  for (const v of versions) {
    await pool.query(
      `INSERT INTO flowspec.shapes (app_name, workflow, fingerprint, queue, shape) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (app_name, workflow, fingerprint) DO UPDATE SET queue = $4, seen_at = now()`,
      [appName, v.workflow, v.fingerprint, v.queue, JSON.stringify(v.shape)],
    );
  }
}

/** The recorded earlier versions of `versions`' workflows that a worker of them continues. */
export async function servedVersions(pool: PgPool, appName: string, versions: readonly Version[]): Promise<ServedVersion[]> {
  const out: ServedVersion[] = [];
  for (const v of versions) {
    const { rows } = await pool.query(`SELECT fingerprint, queue, shape FROM flowspec.shapes WHERE app_name = $1 AND workflow = $2 AND fingerprint <> $3 ORDER BY fingerprint`, [
      appName,
      v.workflow,
      v.fingerprint,
    ]);
    for (const row of rows as { fingerprint: string; queue: string; shape: WorkflowShape }[]) {
      if (continueBreaks(row.shape, v.shape).length === 0) out.push({ workflow: v.workflow, fingerprint: row.fingerprint, queue: row.queue });
    }
  }
  return out;
}
