// `stepConcurrency`: a cluster-wide cap on a step's bodies, measured across real worker processes.
// The same load runs twice on two fresh workers each: without the option, then with
// `stepConcurrency: { "FanInFanOut.process": 3 }`. Every `process` body appends its start and end
// times to a file; the maximum overlap of those intervals is the cluster-wide concurrency.

import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, dropDatabase, holdPostgres, startChild, stopChild, type Child } from "./support/harness.js";
import { requirePostgres } from "./support/require-postgres.js";

const problem = await requirePostgres("flowspec/dbos stepConcurrency");
const releases: (() => void)[] = [];
const CAP = 3;
const RUNS = 12;
const BRANCHES = 8; // 12 runs × 8 branches: up to 96 bodies at once without a cap

/** The maximum number of bodies running at once, and the workers that ran bodies. */
function overlap(file: string): { max: number; bodies: number; workers: Set<string> } {
  const events = readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [kind, at, who] = l.split(" ");
      return { d: kind === "s" ? 1 : -1, at: Number(at), who: who! };
    })
    .sort((a, b) => a.at - b.at || a.d - b.d); // an end before a start at the same instant
  let now = 0;
  let max = 0;
  for (const e of events) max = Math.max(max, (now += e.d));
  return { max, bodies: events.filter((e) => e.d === 1).length, workers: new Set(events.map((e) => e.who)) };
}

describe.skipIf(problem !== null)("flowspec/dbos stepConcurrency (Postgres, child processes)", () => {
  let db: { name: string; url: string };
  const children: Child[] = [];
  const files: string[] = [];

  beforeAll(async () => {
    releases.push(await holdPostgres("shared")); // the outage test stops Postgres: not while this file uses it
    db = await createDatabase();
  }, 300_000); // may wait for the outage test to give Postgres back

  afterAll(async () => {
    await Promise.all(children.map((c) => stopChild(c).catch(() => undefined)));
    if (db) await dropDatabase(db.name).catch(() => undefined);
    for (const release of releases.splice(0)) release();
    for (const f of files) rmSync(f, { force: true });
  }, 30_000);

  /** Two workers (with `cap`, or none), each taking at most half the runs, so both run bodies; RUNS fan-out runs from a client; the measured overlap. */
  async function load(label: string, cap: number | null) {
    const file = join(tmpdir(), `flowspec-dbos-intervals-${process.pid}-${label}.txt`);
    rmSync(file, { force: true });
    files.push(file);
    const env = { FLOWSPEC_PG_URL: db.url, FLOWSPEC_INTERVAL_FILE: file, FLOWSPEC_STEP_MS: "150", FLOWSPEC_WORKER_CONCURRENCY: String(RUNS / 2), ...(cap === null ? {} : { FLOWSPEC_STEP_CAP: String(cap) }) };
    const workers = [`${label}-1`, `${label}-2`].map((who) => startChild("worker.ts", { ...env, FLOWSPEC_WHO: who }));
    children.push(...workers);
    await Promise.all(workers.map((w) => w.waitFor((m) => m.type === "ready", 60_000)));
    const client = startChild("client.ts", { ...env, FLOWSPEC_MODE: "fan", FLOWSPEC_RUNS: String(RUNS), FLOWSPEC_BRANCHES: String(BRANCHES), FLOWSPEC_PREFIX: label, FLOWSPEC_CHECK_STREAMS: "0" });
    children.push(client);
    const t0 = performance.now();
    const done = await client.waitFor((m) => m.type === "done", 90_000);
    const elapsedMs = Math.round(performance.now() - t0);
    await Promise.all([client, ...workers].map((c) => stopChild(c)));
    const results = done.results as { ok: boolean; by?: string }[];
    const failed = results.filter((r) => !r.ok);
    const runsBy: Record<string, number> = {};
    for (const r of results) if (r.by) runsBy[r.by] = (runsBy[r.by] ?? 0) + 1;
    return { ...overlap(file), failed, elapsedMs, runsBy };
  }

  it(`without the option a step's bodies exceed ${CAP} across the cluster; with stepConcurrency they never do`, async () => {
    const free = await load("free", null);
    // The queue decides which worker dequeues which run; now and then one worker takes them all, and
    // such a load says nothing about the cluster. Repeat the capped load (each a fresh pair of workers)
    // until both workers ran bodies, checking the cap on every attempt.
    let capped = await load("capped-a", CAP);
    for (const label of ["capped-b", "capped-c"]) {
      if (capped.workers.size === 2) break;
      expect(capped.failed).toEqual([]);
      expect(capped.max).toBeLessThanOrEqual(CAP);
      capped = await load(label, CAP);
    }
    console.log(
      `[stepConcurrency] ${RUNS} runs × ${BRANCHES} bodies × 150 ms on 2 workers: ` +
        `without the option max ${free.max} at once (${free.elapsedMs} ms); with cap ${CAP} max ${capped.max} at once (${capped.elapsedMs} ms, bodies by ${[...capped.workers].join(", ")}; runs by ${JSON.stringify(capped.runsBy)})`,
    );
    expect(free.failed).toEqual([]);
    expect(capped.failed).toEqual([]);
    expect(free.bodies).toBe(RUNS * BRANCHES);
    expect(capped.bodies).toBe(RUNS * BRANCHES);
    expect(free.max).toBeGreaterThan(CAP);
    expect(capped.max).toBeLessThanOrEqual(CAP);
    expect(capped.max).toBeGreaterThan(1); // the slots are used in parallel, not one at a time
    expect(capped.workers.size).toBe(2); // both workers ran capped bodies: the cap is cluster-wide
  }, 150_000);
});
