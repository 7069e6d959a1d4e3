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
  Client: new (options: Record<string, unknown>) => PgClient;
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
