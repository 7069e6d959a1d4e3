// bench/dbos/cpu.ts: what a process spends, for the machine-CPU-per-run table. Counts every query
// sent by any `pg` client of this process (DBOS's own `pg`, which flowspec/dbos loads too), by a
// short key naming the statement, and reads this process's CPU time. One query = one round trip
// (`pg` sends each query on its own; BEGIN and COMMIT are queries too).

import { createRequire } from "node:module";

const counts = new Map<string, number>();
const keys = new Map<string, string>();
let installed = false;

/** A short key naming a statement: its verb and the table it touches (`INSERT operation_outputs`, `BEGIN`, …). */
export function statementKey(text: string): string {
  const s = text.replace(/\s+/g, " ").trim();
  const verb = (s.match(/^\w+/)?.[0] ?? "?").toUpperCase();
  if (verb === "BEGIN" || verb === "COMMIT" || verb === "ROLLBACK") return verb;
  const table = s.match(/\b(?:FROM|INTO|UPDATE)\s+(?:"?\w+"?\.)?"?(\w+)"?/i)?.[1];
  const fn = s.match(/\b(pg_\w+|hashtext)\(/)?.[1];
  return `${verb} ${table ?? fn ?? s.slice(7, 40)}`;
}

/** Wraps `pg`'s Client.prototype.query (DBOS's copy) once, so every query of this process is counted. */
export function installSqlMeter(): void {
  if (installed) return;
  installed = true;
  const require = createRequire(import.meta.url);
  const pg = createRequire(require.resolve("@dbos-inc/dbos-sdk"))("pg") as { Client: { prototype: { query: (...a: unknown[]) => unknown } } };
  const proto = pg.Client.prototype;
  const query = proto.query;
  proto.query = function meteredQuery(this: unknown, ...args: unknown[]) {
    const q = args[0] as string | { text?: string } | undefined;
    const text = typeof q === "string" ? q : (q?.text ?? "?");
    let key = keys.get(text);
    if (key === undefined) keys.set(text, (key = statementKey(text)));
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return query.apply(this, args);
  };
}

export interface MeterReading {
  /** CPU time of this process (user + system), ms. */
  readonly cpuMs: number;
  /** Queries sent, by statement key. */
  readonly sql: Record<string, number>;
}

export function readMeter(): MeterReading {
  const u = process.cpuUsage();
  return { cpuMs: (u.user + u.system) / 1000, sql: Object.fromEntries(counts) };
}

/** What happened between two readings. */
export function meterDelta(before: MeterReading, after: MeterReading): MeterReading {
  const sql: Record<string, number> = {};
  for (const [k, n] of Object.entries(after.sql)) {
    const d = n - (before.sql[k] ?? 0);
    if (d > 0) sql[k] = d;
  }
  return { cpuMs: after.cpuMs - before.cpuMs, sql };
}
