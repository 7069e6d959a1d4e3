// `flowspec runs list|show|cancel --pg URL`: DBOS runs read (and cancelled) from outside the
// cluster, through DBOS's own client (`DBOSClient`), so the CLI never launches a DBOS runtime, never
// registers a queue and never becomes an executor. The CLI imports this module only when `--pg` is
// given: DBOS and `pg` are loaded by no other command.
//
// What a run is made of here: its row in `dbos.workflow_status` (`getWorkflow`, `listWorkflows`), its
// `flowspec.tick` step outputs (`listWorkflowSteps`: the tick journal, batch by batch, tick 0 with the
// shape fingerprint), its stream (`readStream` of `flowspec.stream`), its `flowspec.status` event
// (`getEvent`: whether it waits for an event from outside) and, for a queued run, whether a live
// worker serves its queue (`flowspec.workers`: the version gap). Two reads have no DBOSClient call
// and are one SQL query each: the status events of many runs at once (`list`) and the served queues.

import { DBOSClient } from "@dbos-inc/dbos-sdk";
import type { SerializedError, SerializedEvent, SerializedTick, WorkflowShape } from "../runtime/index.js";
import { formatOf, STATUS_KEY, STREAM_KEY } from "./recorder.js";
import { errorOf, LIVE, statusOf, type DbosRunStatus } from "./status.js";
export { statusOf, type DbosRunStatus } from "./status.js";
import { TICK_STEP, ticksOf } from "./journal-read.js";
import { loadPg, maskUrl, type PgPool } from "./pg.js";
import { servedQueues } from "./workers.js";

/** A DBOS run's status as flowspec names it (`DbosRuntime.inspect`). */

/** Postgres cannot be used at that URL (bad URL, unreachable, no DBOS system database there). One line, password masked. */
export class PgUnavailableError extends Error {
  override readonly name = "PgUnavailableError";
}

/** A DBOS run as `flowspec runs` shows it. Times are ms since the epoch. */
export interface DbosRunRecord {
  readonly runId: string;
  /** The flowspec workflow (the DBOS workflow name without its `flowspec.` prefix). */
  readonly workflow: string;
  readonly status: DbosRunStatus;
  /** Why it waits (`waiting for an event from outside`, `waiting for a worker of version <fingerprint>`), or why DBOS gave up on it; else null. */
  readonly reason: string | null;
  /** The shape fingerprint: from its queue's name (`<prefix>.<Workflow>.<fingerprint>`), or from tick 0 in `show`; null when neither is known. */
  readonly fingerprint: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly appName: string | null;
  readonly appVersion: string | null;
  readonly executorId: string | null;
  readonly queue: string | null;
  /** The DBOS status it maps from (PENDING, ENQUEUED, SUCCESS, ERROR, CANCELLED, …). */
  readonly dbosStatus: string;
}

/** One recorded tick, with its place in the run's journal (1-based) and when its batch was checkpointed. */
export interface DbosTickEntry {
  readonly seq: number;
  readonly at: number;
  readonly tick: SerializedTick;
}

/** An entry of the run's stream: an event, or the error the run ended with (written last). */
export type DbosStreamEntry = { readonly index: number; readonly event: SerializedEvent } | { readonly index: number; readonly error: SerializedError };

export interface DbosRunDetail {
  readonly run: DbosRunRecord & { readonly ticks: number };
  readonly ticks: readonly DbosTickEntry[];
  readonly stream: readonly DbosStreamEntry[];
  readonly outcome: { readonly result: SerializedEvent } | { readonly error: { readonly name: string; readonly message: string } } | null;
}

/** What `get` found: a flowspec run, nothing, or a DBOS workflow that is not a flowspec run. */
export type Lookup<T> = { readonly run: T } | { readonly missing: true } | { readonly foreign: string };

const PREFIX = "flowspec.";

/** A run's row as DBOS's client returns it. */
type WorkflowStatusRow = NonNullable<Awaited<ReturnType<DBOSClient["getWorkflow"]>>>;

/** flowspec's statuses → the DBOS statuses a run in it can have (a prefilter; `statusOf` decides). */
const DBOS_STATUSES: Record<DbosRunStatus, string[]> = {
  running: ["PENDING", "ENQUEUED", "DELAYED"],
  waiting: ["PENDING", "ENQUEUED", "DELAYED"],
  completed: ["SUCCESS"],
  failed: ["ERROR", "MAX_RECOVERY_ATTEMPTS_EXCEEDED"],
  cancelled: ["CANCELLED", "ERROR"],
  timed_out: ["ERROR"],
};


/** `<prefix>.<Workflow>.<fingerprint>` → the fingerprint, for the run's own workflow only. */
function fingerprintOfQueue(queue: string | null | undefined, workflow: string): string | null {
  if (typeof queue !== "string" || !queue.includes(`.${workflow}.`)) return null;
  return queue.slice(queue.lastIndexOf(".") + 1) || null;
}

/** Opens the DBOS system database at `url` for `flowspec runs`: checks the URL, that Postgres answers and that DBOS's tables are there. */
export async function openDbosRuns(url: string): Promise<DbosRuns> {
  const shown = maskUrl(url);
  if (!/^postgres(ql)?:\/\//.test(url) || shown === "(unparsable URL)") {
    throw new PgUnavailableError(`--pg takes a postgres:// or postgresql:// URL, got ${shown === "(unparsable URL)" ? "an unparsable one" : `"${shown}"`}`);
  }
  const pg = loadPg();
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5000 });
  pool.on("error", () => undefined); // an idle client's error must not crash the CLI; the next query reports it
  try {
    const { rows } = await pool.query(`SELECT to_regclass('dbos.workflow_status') IS NOT NULL AS dbos`);
    if (rows[0]?.dbos !== true) throw new PgUnavailableError(`${shown} has no DBOS system database (no dbos.workflow_status table); pass the systemDatabaseUrl your workers use`);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof PgUnavailableError) throw error;
    throw new PgUnavailableError(`cannot read Postgres at ${shown}: ${oneLine(error)}`);
  }
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const client = await DBOSClient.create({ systemDatabaseUrl: url, systemDatabasePool: pool as never, logger: quiet });
  return new DbosRuns(client, pool, shown);
}

function oneLine(error: unknown): string {
  const e = error as { message?: string; code?: string } | null;
  const text = e?.message || e?.code || String(error);
  return text.split("\n")[0]!.trim();
}

/**
 * Runs `read` so that DBOS's client gives up at the first lost connection instead of retrying until
 * Postgres is back, as it does for workers: a CLI reports the failure and exits rather than hang.
 * (`runWithAbortableDbRetries` is DBOS's scope for loops that may abandon their retries; flowspec
 * pins the SDK to ~5.3. Without it, the read simply retries.)
 */
async function failFast<T>(read: () => Promise<T>): Promise<T> {
  const context = (await import("@dbos-inc/dbos-sdk/internal/context").catch(() => null)) as {
    runWithAbortableDbRetries?: <R>(signal: AbortSignal, callback: () => R) => R;
  } | null;
  if (typeof context?.runWithAbortableDbRetries !== "function") return await read();
  return await context.runWithAbortableDbRetries(AbortSignal.abort(), read);
}

export class DbosRuns {
  constructor(
    private readonly client: DBOSClient,
    private readonly pool: PgPool,
    /** The URL with its password masked. */
    readonly where: string,
  ) {}

  async close(): Promise<void> {
    await this.client.destroy().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  /** The flowspec runs of the database, oldest first. */
  list(filter: { workflow?: string; status?: DbosRunStatus; app?: string } = {}): Promise<DbosRunRecord[]> {
    return failFast(() => this.listNow(filter));
  }

  private async listNow(filter: { workflow?: string; status?: DbosRunStatus; app?: string }): Promise<DbosRunRecord[]> {
    const rows = await this.client.listWorkflows({
      ...(filter.workflow !== undefined ? { workflowName: `${PREFIX}${filter.workflow}` } : {}),
      ...(filter.status !== undefined ? { status: DBOS_STATUSES[filter.status] as never } : {}),
      ...(filter.app !== undefined ? { applicationName: filter.app } : {}),
      loadInput: false,
      loadOutput: false,
    });
    const ours = rows.filter((r) => r.workflowName.startsWith(PREFIX));
    const live = ours.filter((r) => LIVE.has(r.status));
    const phases = await this.phases(live.map((r) => r.workflowID));
    const served = await this.served(live.filter((r) => r.status !== "PENDING").map((r) => r.queueName));
    const out = ours.map((r) => this.record(r, phases.get(r.workflowID) ?? null, served));
    const picked = filter.status === undefined ? out : out.filter((r) => r.status === filter.status);
    return picked.sort((a, b) => a.createdAt - b.createdAt || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  }

  /** One run, with its recorded ticks, its stream and its outcome. */
  show(runId: string): Promise<Lookup<DbosRunDetail>> {
    return failFast(() => this.showNow(runId));
  }

  private async showNow(runId: string): Promise<Lookup<DbosRunDetail>> {
    const found = await this.one(runId);
    if (!("run" in found)) return found;
    const { status: s, record: base } = found.run;
    const ticks: DbosTickEntry[] = [];
    let fingerprint = base.fingerprint;
    let format = 1;
    for (const step of (await this.client.listWorkflowSteps(runId)) ?? []) {
      if (step.name !== TICK_STEP || step.error != null) continue;
      const first = step.output as { fingerprint?: unknown } | null;
      if (ticks.length === 0 && typeof first?.fingerprint === "string") {
        fingerprint = first.fingerprint;
        format = formatOf(first);
      }
      const at = step.completedAtEpochMs ?? step.startedAtEpochMs ?? base.updatedAt;
      for (const tick of ticksOf(step.output)) ticks.push({ seq: ticks.length + 1, at, tick });
    }
    const stream = await this.stream(runId);
    let outcome: DbosRunDetail["outcome"] = null;
    if (s.status === "SUCCESS") {
      const result = s.output as SerializedEvent | undefined;
      if (result !== undefined && result !== null) outcome = { result };
    } else {
      const error = errorOf(s.error);
      if (error !== null) outcome = { error };
    }
    // A run recorded in format 2 ends its stream with its result (the stop event) or its error.
    if (format >= 2 && (s.status === "SUCCESS" || s.status === "ERROR") && outcome !== null) stream.push("result" in outcome ? { index: stream.length, event: outcome.result } : { index: stream.length, error: outcome.error });
    return { run: { run: { ...base, fingerprint, ticks: ticks.length }, ticks, stream, outcome } };
  }

  /**
   * The shape of the version a run was started with: as its processes recorded it
   * (`flowspec.shapes`, by fingerprint), else from its first checkpoint (tick 0 carries it). null
   * when neither is known.
   */
  shapeOf(run: DbosRunRecord): Promise<WorkflowShape | null> {
    return failFast(() => this.shapeOfNow(run));
  }

  private async shapeOfNow(run: DbosRunRecord): Promise<WorkflowShape | null> {
    if (run.fingerprint !== null) {
      const { rows } = await this.pool
        .query(`SELECT shape FROM flowspec.shapes WHERE workflow = $1 AND fingerprint = $2 LIMIT 1`, [run.workflow, run.fingerprint])
        .catch(() => ({ rows: [] as { shape: WorkflowShape }[] })); // no table: processes of an earlier flowspec/dbos
      if (rows.length > 0) return rows[0]!.shape as WorkflowShape;
    }
    for (const step of (await this.client.listWorkflowSteps(run.runId)) ?? []) {
      if (step.name !== TICK_STEP || step.error != null) continue;
      const shape = (step.output as { shape?: WorkflowShape } | null)?.shape;
      return shape ?? null;
    }
    return null;
  }

  /** Cancels a live run (DBOS cancellation: its worker stops it, and `flow.resume(runId)` continues it). */
  cancel(runId: string): Promise<Lookup<{ before: DbosRunRecord; cancelled: boolean }>> {
    return failFast(() => this.cancelNow(runId));
  }

  private async cancelNow(runId: string): Promise<Lookup<{ before: DbosRunRecord; cancelled: boolean }>> {
    const found = await this.one(runId);
    if (!("run" in found)) return found;
    const { status: s, record: before } = found.run;
    if (!LIVE.has(s.status)) return { run: { before, cancelled: false } };
    await this.client.cancelWorkflow(runId);
    return { run: { before, cancelled: true } };
  }

  /** One run's DBOS status and its record (its phase and, when queued, whether a live worker serves its queue). */
  private async one(runId: string): Promise<Lookup<{ status: WorkflowStatusRow; record: DbosRunRecord }>> {
    const s = await this.client.getWorkflow(runId);
    if (s === undefined) return { missing: true };
    if (!s.workflowName.startsWith(PREFIX)) return { foreign: s.workflowName };
    const phase = LIVE.has(s.status) ? await this.client.getEvent<string>(runId, STATUS_KEY, { timeoutSeconds: 0 }).catch(() => null) : null;
    const served = s.status === "ENQUEUED" || s.status === "DELAYED" ? await this.served([s.queueName]) : null;
    return { run: { status: s, record: this.record(s, phase, served) } };
  }

  private record(s: { workflowID: string; workflowName: string; status: string; error?: unknown; queueName?: string; createdAt: number; updatedAt?: number; applicationName?: string; applicationVersion?: string; executorId?: string; recoveryAttempts?: number }, phase: string | null, served: ReadonlySet<string> | null): DbosRunRecord {
    const workflow = s.workflowName.slice(PREFIX.length);
    const { status, reason } = statusOf(s, phase, served);
    return {
      runId: s.workflowID,
      workflow,
      status,
      reason,
      fingerprint: fingerprintOfQueue(s.queueName, workflow),
      createdAt: Number(s.createdAt),
      updatedAt: Number(s.updatedAt ?? s.createdAt),
      appName: s.applicationName ?? null,
      appVersion: s.applicationVersion ?? null,
      executorId: s.executorId ?? null,
      queue: s.queueName ?? null,
      dbosStatus: s.status,
    };
  }

  /** The `flowspec.status` event of each run that has one (`"waiting"` or `"running"`): one query for all. */
  private async phases(runIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (runIds.length === 0) return out;
    const { rows } = await this.pool.query(`SELECT workflow_uuid, value FROM dbos.workflow_events WHERE key = $1 AND workflow_uuid = ANY($2::text[])`, [STATUS_KEY, runIds]);
    // The value is DBOS's serialization of a string: its JSON text (possibly in an envelope) names the phase.
    for (const r of rows as { workflow_uuid: string; value: string | null }[]) out.set(r.workflow_uuid, String(r.value).includes('"waiting"') ? "waiting" : "running");
    return out;
  }

  /** Which of these queues a live worker dequeues; null when none is asked about or no worker ever registered. */
  private async served(queues: readonly (string | null | undefined)[]): Promise<ReadonlySet<string> | null> {
    const named = [...new Set(queues.filter((q): q is string => typeof q === "string"))];
    if (named.length === 0) return null;
    return await servedQueues(this.pool, named);
  }

  /** The run's stream as far as it is written (never waits for more). */
  private async stream(runId: string): Promise<DbosStreamEntry[]> {
    const out: DbosStreamEntry[] = [];
    try {
      for await (const value of this.client.readStream<unknown>(runId, STREAM_KEY, { timeoutSeconds: 0 })) {
        const error = (value as { "flowspec.error"?: SerializedError } | null)?.["flowspec.error"];
        out.push(error !== undefined ? { index: out.length, error } : { index: out.length, event: value as SerializedEvent });
      }
    } catch (error) {
      // A live run's stream has no end yet: the read stops at its last written entry.
      if (!/StreamTimeout/i.test(String((error as Error)?.name)) && !/timed? ?out/i.test(String((error as Error)?.message))) throw error;
    }
    return out;
  }
}
