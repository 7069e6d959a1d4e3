// Result polling: one query per interval tells every run this process awaits whether it has ended.

import type { DbosLogger } from "./options.js";
import type { PgPool } from "./pg.js";

/** The runs this process awaits the end of, polled together (instead of one poller per handle). */
export class ResultPoller {
  private readonly ends = new Map<string, ((error?: Error) => void)[]>();
  private pollTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** The pool to poll with; null before launch and after shutdown (no polling then). */
    private readonly pool: () => PgPool | null,
    /** The polling interval. */
    private readonly intervalMs: () => number,
    private readonly log: DbosLogger,
  ) {}

  /** Resolves once the run has ended (any DBOS terminal status). */
  waitForEnd(runId: string): Promise<void> {
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
        `SELECT workflow_uuid FROM dbos.workflow_status WHERE workflow_uuid = ANY($1::text[]) AND status NOT IN ('PENDING', 'ENQUEUED')`,
        [ids],
      );
      for (const { workflow_uuid } of rows as { workflow_uuid: string }[]) {
        const waiters = this.ends.get(workflow_uuid) ?? [];
        this.ends.delete(workflow_uuid);
        for (const f of waiters) f();
      }
    } catch (error) {
      this.log.warn(`flowspec/dbos: result poll: ${(error as Error).message}`);
    }
    this.pollTimer = null;
    if (this.ends.size > 0) this.schedulePoll(this.intervalMs());
  }
}
