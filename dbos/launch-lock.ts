// The connection a launch holds: fails fast when Postgres is unreachable, and serializes DBOS's migrations across processes.

import { maskUrl, type PgClient, type PgModule } from "./pg.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Connects to the system database, or to the maintenance database when the system database does
 * not exist yet (DBOS creates it). Fails fast and clearly when Postgres is unreachable (DBOS would
 * retry for a long time); `onUnreachable` runs just before that error is thrown.
 */
export async function connectLaunchLock(pg: PgModule, url: string, onUnreachable: () => void): Promise<PgClient> {
  const open = (connectionString: string): PgClient => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
    client.on("error", () => undefined);
    return client;
  };
  const lock = open(url);
  try {
    await lock.connect();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== "3D000") {
      onUnreachable();
      throw new Error(`DbosRuntime: cannot connect to the system database ${maskUrl(url)}: ${(error as Error).message || code}`, { cause: error });
    }
    // The database does not exist yet: DBOS creates it. Serialize through the maintenance database instead.
    const u = new URL(url);
    u.pathname = "/postgres";
    const fallback = open(u.toString());
    await fallback.connect();
    Object.assign(lock, { query: fallback.query.bind(fallback), end: fallback.end.bind(fallback) });
  }
  return lock;
}

/**
 * Waits until `lock` holds the migrations lock (a session lock: released when `lock` ends).
 * Concurrent first launches race DBOS's migrations; poll a try-lock (a *blocking* advisory
 * lock deadlocks against CREATE INDEX CONCURRENTLY, see docs/dbos-design.md §6.1).
 */
export async function acquireMigrationLock(lock: PgClient): Promise<void> {
  while (!(await lock.query("SELECT pg_try_advisory_lock(hashtext('flowspec.dbos.migrate')) AS ok")).rows[0].ok) await sleep(50 + Math.random() * 100);
}
