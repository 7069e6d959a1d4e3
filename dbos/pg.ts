// Postgres access for flowspec/dbos: DBOS's own `pg` module, and database URLs safe to print.

import { createRequire } from "node:module";

/** What `pg` we use: DBOS's own dependency (no new dependency). */
export interface PgPool {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  connect(): Promise<{ query(text: string, values?: unknown[]): Promise<{ rows: any[] }>; release(): void }>;
  on(event: "error", listener: (error: Error) => void): unknown;
  end(): Promise<void>;
}
export interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  on(event: "error", listener: (error: Error) => void): unknown;
  end(): Promise<void>;
}
export interface PgModule {
  Pool: new (options: Record<string, unknown>) => PgPool;
  Client: (new (options: Record<string, unknown>) => PgClient) & { prototype: { connect: (...args: unknown[]) => unknown } };
}

const GUARDED = Symbol.for("flowspec.dbos.pgErrorGuard");

/**
 * Gives every `pg` client (DBOS's own included: we load DBOS's `pg`) an `error` listener from the
 * moment it connects. Without one, a connection that Postgres terminates (a restart, an outage)
 * while a client is checked out between two queries emits an unhandled `error` and kills the
 * process; with it, the client is only broken, its next query fails, and DBOS retries.
 */
export function guardPgClients(pg: PgModule, onError: (error: Error) => void): void {
  const proto = pg.Client.prototype as unknown as { connect: (...args: unknown[]) => unknown; [GUARDED]?: boolean };
  if (proto[GUARDED]) return;
  proto[GUARDED] = true;
  const connect = proto.connect;
  proto.connect = function guardedConnect(this: { listenerCount(e: string): number; on(e: string, l: (e: Error) => void): void }, ...args: unknown[]) {
    if (this.listenerCount("error") === 0) this.on("error", onError);
    return connect.apply(this, args);
  };
}
export function loadPg(): PgModule {
  const require = createRequire(import.meta.url);
  const sdk = require.resolve("@dbos-inc/dbos-sdk");
  return createRequire(sdk)("pg") as PgModule;
}

/** `url` with its password masked, for error messages. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}
