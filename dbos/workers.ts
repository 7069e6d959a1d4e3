// Dead-worker reaping: each worker's heartbeat row in flowspec.workers, and a reaper that hands a stale peer's runs to the queue.

import type { DbosLogger } from "./options.js";
import type { PgClient, PgPool } from "./pg.js";

/** The worker whose liveness `startLiveness` maintains. */
export interface LivenessWorker {
  readonly executorId: string;
  /** Its application version: only peers of the same version are reaped. */
  readonly version: string;
  readonly log: DbosLogger;
  /** false while shutting down: no reaping then. */
  isLaunched(): boolean;
  /** Called when this worker recovered a dead peer's runs. */
  onReap(deadExecutorId: string, runIds: string[]): void;
}

/**
 * Creates the heartbeat table, registers the worker, then beats and reaps every `heartbeatMs`.
 * Returns the (unref'd) interval timers, to clear on shutdown.
 */
export async function startLiveness(
  pool: PgPool,
  liveness: { readonly heartbeatMs?: number; readonly staleMs?: number },
  worker: LivenessWorker,
): Promise<ReturnType<typeof setInterval>[]> {
  const { executorId, version, log } = worker;
  const heartbeatMs = liveness.heartbeatMs ?? 1000;
  const staleMs = liveness.staleMs ?? 5000;
  await pool.query(`CREATE SCHEMA IF NOT EXISTS flowspec;
      CREATE TABLE IF NOT EXISTS flowspec.workers (executor_id text PRIMARY KEY, app_version text NOT NULL,
        heartbeat_at timestamptz NOT NULL DEFAULT now(), started_at timestamptz NOT NULL DEFAULT now())`);
  await pool.query(
    `INSERT INTO flowspec.workers (executor_id, app_version) VALUES ($1, $2) ON CONFLICT (executor_id) DO UPDATE SET heartbeat_at = now(), app_version = $2`,
    [executorId, version],
  );
  const { DBOSExecutor } = (await import("@dbos-inc/dbos-sdk/internal/dbos-executor")) as {
    DBOSExecutor: { globalInstance?: { recoverPendingWorkflows(ids: string[]): Promise<{ workflowID: string }[]> } };
  };
  const beat = () =>
    pool.query(`UPDATE flowspec.workers SET heartbeat_at = now() WHERE executor_id = $1`, [executorId]).catch((e: Error) => log.warn(`flowspec/dbos: heartbeat: ${e.message}`));
  let reaping = false;
  const reap = async () => {
    if (reaping || !worker.isLaunched()) return;
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
      await client.query("BEGIN");
      const { rows } = await client.query(
        `SELECT executor_id FROM flowspec.workers WHERE heartbeat_at < now() - make_interval(secs => $1)
             AND app_version = $2 AND executor_id <> $3 FOR UPDATE SKIP LOCKED`,
        [staleMs / 1000, version, executorId],
      );
      for (const { executor_id } of rows as { executor_id: string }[]) {
        // PENDING runs of the dead worker → ENQUEUED on their queue; any worker replays them.
        const handles = (await DBOSExecutor.globalInstance?.recoverPendingWorkflows([executor_id])) ?? [];
        await client.query(`DELETE FROM flowspec.workers WHERE executor_id = $1`, [executor_id]);
        log.info(`flowspec/dbos: ${executorId} recovered ${handles.length} runs of dead worker ${executor_id}`);
        worker.onReap(executor_id, handles.map((h) => h.workflowID));
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
  const t1 = setInterval(beat, heartbeatMs);
  const t2 = setInterval(() => void reap(), heartbeatMs);
  t1.unref();
  t2.unref();
  return [t1, t2];
}

/** Marks the worker dead at once (heartbeat `-infinity`), so a peer recovers its runs without waiting for `staleMs`. */
export function markWorkerDead(pool: PgPool, executorId: string): Promise<unknown> {
  return pool.query(`UPDATE flowspec.workers SET heartbeat_at = '-infinity' WHERE executor_id = $1`, [executorId]);
}
