// Result polling: one query per interval tells every run this process awaits whether it has ended.

import type { ContextStatus } from "../runtime/index.js";
import type { DbosLogger } from "./options.js";
import type { PgPool } from "./pg.js";
import { servedQueues } from "./workers.js";

/** The runs this process awaits the end of, polled together (instead of one poller per handle). */
export class ResultPoller {
  private readonly ends = new Map<string, ((error?: Error) => void)[]>();
  /** Who wants each awaited run's status while it is going (handler.status). */
  private readonly watchers = new Map<string, ((status: ContextStatus) => void)[]>();
  private pollTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** The pool to poll with; null before launch and after shutdown (no polling then). */
    private readonly pool: () => PgPool | null,
    /** The polling interval. */
    private readonly intervalMs: () => number,
    private readonly log: DbosLogger,
  ) {}

  /** Resolves once the run has ended (any DBOS terminal status). */
  waitForEnd(runId: string, onStatus?: (status: ContextStatus) => void): Promise<void> {
    if (onStatus !== undefined) this.watchers.set(runId, [...(this.watchers.get(runId) ?? []), onStatus]);
    return new Promise<void>((resolve, reject) => {
      const list = this.ends.get(runId) ?? [];
      list.push((error) => (error === undefined ? resolve() : reject(error)));
      this.ends.set(runId, list);
      this.schedulePoll(0);
    });
  }

  /** Stops polling for good; every run still awaited rejects. */
  close(): void {
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    for (const w of this.ends.values()) for (const f of w) f(new Error("DbosRuntime: shut down while waiting for the run's result"));
    this.ends.clear();
    this.watchers.clear();
  }

  private schedulePoll(delay: number): void {
    if (this.pollTimer !== null || this.pool() === null) return;
    this.pollTimer = setTimeout(() => void this.pollEnds(), delay);
  }

  private async pollEnds(): Promise<void> {
    const pool = this.pool();
    if (pool === null || this.ends.size === 0) {
      this.pollTimer = null;
      return;
    }
    const ids = [...this.ends.keys()];
    try {
      const { rows } = await pool.query(
        `SELECT s.workflow_uuid, s.status, s.queue_name, e.value AS phase FROM dbos.workflow_status s
           LEFT JOIN dbos.workflow_events e ON e.workflow_uuid = s.workflow_uuid AND e.key = 'flowspec.status'
          WHERE s.workflow_uuid = ANY($1::text[])`,
        [ids],
      );
      const typed = rows as { workflow_uuid: string; status: string; phase: string | null; queue_name: string | null }[];
      // Queued for a shape no live worker serves: waiting (for a worker of its version).
      const queued = [...new Set(typed.filter((r) => r.status === "ENQUEUED" && r.queue_name !== null).map((r) => r.queue_name!))];
      const served = queued.length > 0 ? await servedQueues(pool, queued) : null;
      for (const { workflow_uuid, status, phase, queue_name } of typed) {
        if (status === "PENDING" || status === "ENQUEUED") {
          const gap = status === "ENQUEUED" && served !== null && queue_name !== null && !served.has(queue_name);
          const s: ContextStatus = gap || (status === "PENDING" && typeof phase === "string" && phase.includes('"waiting"')) ? "waiting" : "running";
          for (const f of this.watchers.get(workflow_uuid) ?? []) f(s);
          continue;
        }
        const waiters = this.ends.get(workflow_uuid) ?? [];
        this.ends.delete(workflow_uuid);
        this.watchers.delete(workflow_uuid);
        for (const f of waiters) f();
      }
    } catch (error) {
      this.log.warn(`flowspec/dbos: result poll: ${(error as Error).message}`);
    }
    this.pollTimer = null;
    if (this.ends.size > 0) this.schedulePoll(this.intervalMs());
  }
}
