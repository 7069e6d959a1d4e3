// `stepConcurrency`: a cluster-wide cap on the attempts of chosen steps that run at once.
//
// Each capped step has `cap` slots, Postgres session advisory locks `(hashtext(key), slot)` in the
// system database. A step body runs only while its process holds one of them on a dedicated
// connection; the slot is unlocked (and the connection returned to the pool) when the body ends.
// A worker that dies loses its connections, so Postgres frees its slots at once. Waiting is a
// polled try-lock (no queue, no fairness), abortable through the step's `ctx.signal`.

import type { DbosLogger } from "./options.js";
import type { PgModule, PgPool } from "./pg.js";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

/** Validates a `stepConcurrency` map: every cap a positive integer. */
export function checkCaps(caps: Readonly<Record<string, number>> | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, cap] of Object.entries(caps ?? {})) {
    if (!Number.isInteger(cap) || cap < 1) throw new TypeError(`DbosRuntime: stepConcurrency["${key}"] must be a positive integer, got ${String(cap)}`);
    out.set(key, cap);
  }
  return out;
}

export class StepSlots {
  private pool: PgPool | null = null;

  constructor(
    /** The lock namespace: the DBOS application name, so two apps on one database do not share caps. */
    private readonly namespace: string,
    private readonly pollMs: number,
    private readonly log: DbosLogger,
  ) {}

  /** Opens the pool the slots are held on: at most one connection per slot, plus two to poll with. */
  open(pg: PgModule, url: string, totalSlots: number): void {
    const pool = new pg.Pool({ connectionString: url, max: totalSlots + 2 });
    pool.on("error", (e) => this.log.warn(`flowspec/dbos: step slots: ${e.message}`));
    this.pool = pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    // Bodies still running keep their connection until they end; do not wait for them longer than a second.
    if (pool !== null) await Promise.race([pool.end().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  /** Waits for one of the `cap` slots of `key`; resolves to the function that gives it back. */
  async acquire(key: string, cap: number, signal: AbortSignal): Promise<() => Promise<void>> {
    const lockKey = `flowspec.step:${this.namespace}:${key}`;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const pool = this.pool;
      if (pool === null) throw new Error(`flowspec/dbos: step ${key} cannot run: the runtime is not launched or was shut down`);
      const client = await pool.connect();
      const first = Math.floor(Math.random() * cap);
      let held = -1;
      try {
        for (let i = 0; i < cap && held < 0; i++) {
          const slot = (first + i) % cap;
          const { rows } = await client.query("SELECT pg_try_advisory_lock(hashtext($1), $2) AS ok", [lockKey, slot]);
          if (rows[0]?.ok === true) held = slot;
        }
      } catch (error) {
        (client.release as (e?: unknown) => void)(error); // drops the connection, and any lock it took
        throw error;
      }
      if (held >= 0) {
        let released = false;
        return async () => {
          if (released) return;
          released = true;
          try {
            await client.query("SELECT pg_advisory_unlock(hashtext($1), $2)", [lockKey, held]);
            client.release();
          } catch (error) {
            (client.release as (e?: unknown) => void)(error); // destroying the connection frees the lock too
          }
        };
      }
      client.release();
      await sleep(this.pollMs / 2 + Math.random() * this.pollMs, signal);
    }
  }
}
