// Pending messages of the live runs of this process whose recorder has no recv armed.
//
// A run arms its DBOS.recv only when it needs one (recorder.ts): when it waits for an event from
// outside, or when a message is pending for it. This watch tells a run that a message is pending:
// DBOS's own LISTEN/NOTIFY wake-up for the run's topic when the SDK exposes it (the same one its
// recv waits on), and one query per interval for every watched run of the process, which also
// catches a missed notification (a dropped connection) and messages sent before the run started.

import type { DbosLogger } from "./options.js";
import type { PgPool } from "./pg.js";

/** DBOS's in-process notification map (`SystemDatabase.notificationsMap`, internal; feature-tested). */
interface NotificationMap {
  registerCallback(key: string, cb: () => void): unknown;
  deregisterCallback(handle: unknown): void;
}

export class MessageWatch {
  private readonly watched = new Map<string, () => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private polling = false;
  private notifications: NotificationMap | null = null;
  private closed = false;

  constructor(
    /** The pool to poll with; null before launch and after shutdown. */
    private readonly pool: () => PgPool | null,
    /** The topic the recorder's recv consumes. */
    private readonly topic: string,
    /** The polling interval (with DBOS's notifications, a fallback and the way to see messages sent before a run started). */
    private readonly intervalMs: () => number,
    private readonly log: DbosLogger,
  ) {}

  /** Uses DBOS's notification map for prompt wake-ups (after launch; absent in other SDK versions: polling only). */
  useNotifications(map: unknown): void {
    const m = map as Partial<NotificationMap> | null | undefined;
    if (typeof m?.registerCallback === "function" && typeof m.deregisterCallback === "function") this.notifications = m as NotificationMap;
  }

  /**
   * Calls `onPending` (possibly more than once) when a message for `runId` is pending, until the
   * returned function is called.
   */
  watch(runId: string, onPending: () => void): () => void {
    if (this.closed) return () => undefined;
    const handle = this.notifications?.registerCallback(`${runId}::${this.topic}`, onPending);
    this.watched.set(runId, onPending);
    this.schedule(0);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (handle !== undefined) this.notifications?.deregisterCallback(handle);
      if (this.watched.get(runId) === onPending) this.watched.delete(runId);
    };
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.watched.clear();
  }

  private schedule(delay: number): void {
    if (this.timer !== null || this.closed || this.watched.size === 0) return;
    this.timer = setTimeout(() => void this.poll(), delay);
    this.timer.unref?.();
  }

  private async poll(): Promise<void> {
    const pool = this.pool();
    if (this.polling || pool === null || this.watched.size === 0) {
      this.timer = null;
      return;
    }
    this.polling = true;
    try {
      const { rows } = await pool.query(
        `SELECT DISTINCT destination_uuid FROM dbos.notifications WHERE destination_uuid = ANY($1::text[]) AND topic = $2 AND consumed = false`,
        [[...this.watched.keys()], this.topic],
      );
      for (const { destination_uuid } of rows as { destination_uuid: string }[]) this.watched.get(destination_uuid)?.();
    } catch (error) {
      this.log.warn(`flowspec/dbos: message poll: ${(error as Error).message}`);
    } finally {
      this.polling = false;
      this.timer = null;
    }
    this.schedule(this.intervalMs());
  }
}
