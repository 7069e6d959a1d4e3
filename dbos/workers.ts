// Dead-worker reaping: each worker's heartbeat row in flowspec.workers, and a reaper that hands a
// stale peer's runs (and runs left on executors that have no row at all) back to their queues.
//
// Liveness is judged on the database's clock only (`now()` in SQL): a heartbeat is `now()` when it
// lands, staleness is `now() - heartbeat_at`. A worker reaps only after its own heartbeats have
// landed for `staleMs` in a row (`healthy_since`), so after a Postgres outage, when every row is
// stale, nobody reaps a peer that simply has not beaten yet. A worker whose row was reaped while it
// was alive re-registers on its next beat (an upsert), so it is reaped again if it dies later.

import type { DbosLogger } from "./options.js";
import type { PgClient, PgPool } from "./pg.js";

/** The worker whose liveness `startLiveness` maintains. */
export interface LivenessWorker {
  readonly executorId: string;
  /** Its DBOS application name: only peers of the same application are reaped. */
  readonly appName: string;
  /** Its application version: only peers of the same version are reaped. */
  readonly version: string;
  /** The run queues it dequeues (one per workflow shape): how clients tell a version gap. */
  readonly queues: readonly string[];
  readonly log: DbosLogger;
  /** false while shutting down: no reaping then. */
  isLaunched(): boolean;
  /** Called when this worker recovered a dead peer's runs. */
  onReap(deadExecutorId: string, runIds: string[]): void;
  /** false: heartbeat only (other workers may reap this one), never reap. */
  readonly reap: boolean;
}

export interface Liveness {
  readonly timers: ReturnType<typeof setInterval>[];
}

/** Creates (or migrates) the heartbeat table. Idempotent; safe in concurrent launches. */
export async function ensureWorkersTable(pool: PgPool): Promise<void> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS flowspec;
      CREATE TABLE IF NOT EXISTS flowspec.workers (executor_id text PRIMARY KEY, app_version text NOT NULL,
        heartbeat_at timestamptz NOT NULL DEFAULT now(), started_at timestamptz NOT NULL DEFAULT now());
      ALTER TABLE flowspec.workers ADD COLUMN IF NOT EXISTS app_name text NOT NULL DEFAULT 'flowspec';
      ALTER TABLE flowspec.workers ADD COLUMN IF NOT EXISTS queues text[] NOT NULL DEFAULT '{}';
      ALTER TABLE flowspec.workers ADD COLUMN IF NOT EXISTS stale_ms integer NOT NULL DEFAULT 5000;
      ALTER TABLE flowspec.workers ADD COLUMN IF NOT EXISTS healthy_since timestamptz NOT NULL DEFAULT now();
      CREATE TABLE IF NOT EXISTS flowspec.version_gaps (run_id text PRIMARY KEY, queue text NOT NULL, logged_at timestamptz NOT NULL DEFAULT now());`);
}

/** Inserts or refreshes this worker's row; true when the row was missing (first launch, or reaped while alive). */
async function upsertRow(pool: PgPool, w: LivenessWorker, staleMs: number): Promise<boolean> {
  const { rows } = await pool.query(
    `INSERT INTO flowspec.workers AS w (executor_id, app_version, app_name, queues, stale_ms, heartbeat_at, healthy_since)
          VALUES ($1, $2, $3, $4, $5, now(), now())
     ON CONFLICT (executor_id) DO UPDATE SET app_version = $2, app_name = $3, queues = $4, stale_ms = $5, heartbeat_at = now(),
          healthy_since = CASE WHEN w.heartbeat_at < now() - make_interval(secs => $5 / 1000.0) THEN now() ELSE w.healthy_since END
     RETURNING (xmax = 0) AS inserted`,
    [w.executorId, w.version, w.appName, w.queues, staleMs],
  );
  return rows[0]?.inserted === true;
}

/**
 * Registers the worker (before DBOS starts dequeuing, so no run of it is ever on an executor without
 * a row), then beats and reaps every `heartbeatMs`. Returns the (unref'd) interval timers.
 */
export async function startLiveness(
  pool: PgPool,
  liveness: { readonly heartbeatMs?: number; readonly staleMs?: number },
  worker: LivenessWorker,
  recover: () => Promise<(ids: string[]) => Promise<{ workflowID: string }[]>>,
): Promise<{ start(): void; timers: ReturnType<typeof setInterval>[] }> {
  const { executorId, version, appName, log } = worker;
  const heartbeatMs = liveness.heartbeatMs ?? 1000;
  const staleMs = liveness.staleMs ?? 5000;
  await ensureWorkersTable(pool);
  await upsertRow(pool, worker, staleMs);
  let beating = false;
  const beat = async () => {
    if (beating || !worker.isLaunched()) return;
    beating = true;
    try {
      if (await upsertRow(pool, worker, staleMs)) log.warn(`flowspec/dbos: worker ${executorId} had been reaped by a peer (its runs were recovered elsewhere); re-registered`);
    } catch (e) {
      log.warn(`flowspec/dbos: heartbeat: ${(e as Error).message}`);
    } finally {
      beating = false;
    }
  };
  let reaping = false;
  const reap = async () => {
    if (reaping || !worker.isLaunched() || !worker.reap) return;
    reaping = true;
    const client = await pool.connect().catch(() => null);
    if (client === null) {
      reaping = false;
      return;
    }
    // A checked-out client has no pool error listener: a dropped connection must not crash the worker.
    const onError = (e: Error) => log.warn(`flowspec/dbos: reaper connection: ${e.message}`);
    (client as unknown as PgClient).on("error", onError);
    try {
      const recoverPending = await recover();
      await client.query("BEGIN");
      // Only a worker whose own heartbeats have landed for staleMs in a row, the last one within
      // staleMs, judges others: not right after an outage, when its own row is as stale as theirs.
      const me = await client.query(
        `SELECT healthy_since < now() - make_interval(secs => $2 / 1000.0) AND heartbeat_at > now() - make_interval(secs => $2 / 1000.0) AS judge
           FROM flowspec.workers WHERE executor_id = $1`,
        [executorId, staleMs],
      );
      if (me.rows[0]?.judge === true) {
        const { rows } = await client.query(
          `SELECT executor_id FROM flowspec.workers WHERE heartbeat_at < now() - make_interval(secs => $1 / 1000.0)
               AND app_version = $2 AND app_name = $3 AND executor_id <> $4 FOR UPDATE SKIP LOCKED`,
          [staleMs, version, appName, executorId],
        );
        // Runs left PENDING on an executor that has no row (it died before registering, or after
        // being reaped and before re-registering), untouched for staleMs: nobody else will recover them.
        const orphans = await client.query(
          `SELECT DISTINCT s.executor_id FROM dbos.workflow_status s
            WHERE s.status = 'PENDING' AND s.name LIKE 'flowspec.%' AND s.application_version = $1 AND s.application_name = $2
              AND s.executor_id <> $3 AND s.updated_at < (EXTRACT(EPOCH FROM now()) * 1000 - $4)::bigint
              AND NOT EXISTS (SELECT 1 FROM flowspec.workers w WHERE w.executor_id = s.executor_id)`,
          [version, appName, executorId, staleMs],
        );
        const dead = [...rows, ...orphans.rows].map((r: { executor_id: string }) => r.executor_id);
        for (const deadId of new Set(dead)) {
          // PENDING runs of the dead worker → ENQUEUED on their queue; any worker replays them.
          const handles = await recoverPending([deadId]);
          await client.query(`DELETE FROM flowspec.workers WHERE executor_id = $1`, [deadId]);
          log.info(`flowspec/dbos: ${executorId} recovered ${handles.length} runs of dead worker ${deadId}`);
          worker.onReap(deadId, handles.map((h) => h.workflowID));
        }
        // The version gap: runs queued for a shape no live worker serves. Logged once per run, cluster-wide.
        const gaps = await client.query(
          `INSERT INTO flowspec.version_gaps (run_id, queue)
           SELECT s.workflow_uuid, s.queue_name FROM dbos.workflow_status s
            WHERE s.status = 'ENQUEUED' AND s.name LIKE 'flowspec.%' AND s.application_name = $1 AND s.queue_name IS NOT NULL
              AND s.queue_name NOT LIKE '\_dbos%' AND s.created_at < (EXTRACT(EPOCH FROM now()) * 1000 - $2)::bigint
              AND NOT EXISTS (SELECT 1 FROM flowspec.workers w WHERE s.queue_name = ANY(w.queues) AND w.heartbeat_at > now() - make_interval(secs => w.stale_ms / 1000.0))
           ON CONFLICT (run_id) DO NOTHING RETURNING run_id, queue`,
          [appName, staleMs],
        );
        for (const g of gaps.rows as { run_id: string; queue: string }[]) {
          log.warn(`flowspec/dbos: run ${g.run_id} is ${versionGapReason(g.queue)} (queue ${g.queue}); no live worker serves it, and its timeout keeps counting`);
        }
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      log.warn(`flowspec/dbos: reaper: ${(error as Error).message}`);
    } finally {
      (client as unknown as { off(e: string, l: (e: Error) => void): void }).off("error", onError);
      client.release();
      reaping = false;
    }
  };
  const timers: ReturnType<typeof setInterval>[] = [];
  return {
    timers,
    start() {
      const t1 = setInterval(() => void beat(), heartbeatMs);
      const t2 = setInterval(() => void reap(), heartbeatMs);
      t1.unref();
      t2.unref();
      timers.push(t1, t2);
    },
  };
}

/** Marks the worker dead at once (heartbeat `-infinity`), so a peer recovers its runs without waiting for `staleMs`. */
export function markWorkerDead(pool: PgPool, executorId: string): Promise<unknown> {
  return pool.query(`UPDATE flowspec.workers SET heartbeat_at = '-infinity' WHERE executor_id = $1`, [executorId]);
}

/**
 * The run queues that a live worker (by its own `staleMs`, on the database's clock) dequeues, or
 * null when no worker registered (liveness never ran on this database).
 */
export async function servedQueues(pool: PgPool, queues: readonly string[]): Promise<Set<string> | null> {
  try {
    const { rows } = await pool.query(
      `SELECT DISTINCT q FROM flowspec.workers, unnest(queues) AS q WHERE q = ANY($1::text[]) AND heartbeat_at > now() - make_interval(secs => stale_ms / 1000.0)`,
      [queues],
    );
    return new Set(rows.map((r: { q: string }) => r.q));
  } catch {
    return null;
  }
}

/** What a run queued for a shape nobody serves waits for, from its queue name (`<prefix>.<Workflow>.<fingerprint>`). */
export function versionGapReason(queue: string): string {
  return `waiting for a worker of version ${queue.slice(queue.lastIndexOf(".") + 1)}`;
}
