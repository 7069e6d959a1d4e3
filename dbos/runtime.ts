// DbosRuntime: registers workflows with DBOS, launches it, and enqueues, resumes and messages runs.

import { randomBytes, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { DBOS } from "@dbos-inc/dbos-sdk";
import {
  Event,
  finishedError,
  shapeFingerprint,
  startEventOf,
  workflowInfo,
  workflowShape,
  type ContextStatus,
  type LocalRunner,
  type RunnerRunOptions,
  type RuntimeBinding,
  type StepHook,
  type Tick,
  type WorkflowRuntime,
  type WorkflowShape,
} from "../runtime/backend.js";
import { RunExistsError } from "../runtime/index.js";
import type { AnyFlow } from "./as-dbos.js";
import { encodeEvent } from "./codec.js";
import { RunNotFoundError } from "./errors.js";
import { DbosHandler } from "./handler.js";
import type { StepGate } from "./recorder.js";
import { acquireMigrationLock, connectLaunchLock } from "./launch-lock.js";
import { quietLogger, type DbosLogger, type DbosRuntimeOptions } from "./options.js";
import { guardPgClients, loadPg, maskUrl, type PgPool } from "./pg.js";
import { makeRecorder, STATUS_KEY, STREAM_KEY, TICKS_TOPIC, UNDELIVERED_KEY, type Envelope, type RunInput } from "./recorder.js";
import { MessageWatch } from "./messages.js";
import { ResultPoller } from "./results.js";
import { checkCaps, StepSlots } from "./step-slots.js";
import { recordVersions, servedVersions } from "./versions.js";
import { LIVE, statusOf } from "./status.js";
import { ensureWorkersTable, markWorkerDead, servedQueues, startLiveness } from "./workers.js";

/** A run's status, and why it waits when it does (`inspect`). */
export interface DbosRunInfo {
  readonly status: ContextStatus;
  /** `waiting for an event from outside`, `waiting for a worker of version <fingerprint>`, or null. */
  readonly reason: string | null;
}

interface Registered {
  readonly flow: AnyFlow;
  readonly name: string;
  /** Its run queue: only workers whose workflow has the same shape dequeue it. */
  readonly queue: string;
  readonly fingerprint: string;
  readonly shape: WorkflowShape;
  fn: ((input: RunInput) => Promise<unknown>) | null;
}

let processRuntime: DbosRuntime | null = null;

/** The workflows a DbosRuntime took over (`asDbos` checks it). */
const attached = new WeakSet<object>();

/** Whether `flow` was constructed with a `DbosRuntime`. */
export function isDbosFlow(flow: object): boolean {
  return attached.has(flow);
}

const FORMAT = "flowspec-dbos-1";

const FINISHED: ReadonlySet<ContextStatus> = new Set(["completed", "failed", "timed_out"]);

/** Whether a DBOS error is the one named `name` (by class name, or by message for older SDKs). */
function isDbosError(error: unknown, name: string, message: RegExp): boolean {
  return (error as Error)?.name === name || message.test(String((error as Error)?.message));
}

/**
 * Runs the workflows constructed with it on DBOS Transact. One per process (DBOS is a process
 * singleton). Construct every workflow with `{ runtime }`, then `await runtime.launch()`.
 */
export class DbosRuntime implements WorkflowRuntime {
  readonly executorId: string;
  private readonly options: DbosRuntimeOptions;
  private readonly log: DbosLogger;
  private readonly flows = new Map<string, Registered>();
  private state: "new" | "launching" | "launched" | "shut down" = "new";
  private pool: PgPool | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];
  private version = "";
  private readonly queuePrefix: string;
  private readonly appName: string;
  /** The runs this process awaits the end of. */
  private readonly results: ResultPoller;
  /** Pending messages of this process's live runs that have no recv armed. */
  private readonly messages: MessageWatch;
  /** `stepConcurrency`, validated; entries are removed as workflows claim them, to find unknown keys at launch. */
  private readonly caps: Map<string, number>;
  private readonly unclaimedCaps: Set<string>;
  private readonly slots: StepSlots;

  constructor(options: DbosRuntimeOptions) {
    if (typeof options?.systemDatabaseUrl !== "string" || options.systemDatabaseUrl === "") {
      throw new TypeError("DbosRuntime: systemDatabaseUrl is required (a postgres:// URL)");
    }
    if (!/^postgres(ql)?:\/\//.test(options.systemDatabaseUrl)) {
      throw new TypeError(`DbosRuntime: systemDatabaseUrl must be a postgres:// or postgresql:// URL, got "${maskUrl(options.systemDatabaseUrl)}"`);
    }
    if (processRuntime !== null && processRuntime.state !== "shut down") {
      throw new Error("DbosRuntime: one per process (DBOS is a process singleton); reuse the existing runtime");
    }
    processRuntime = this;
    this.options = options;
    this.log = options.logger ?? quietLogger;
    this.executorId = options.executorId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`;
    this.appName = options.appName ?? "flowspec";
    // Queue names carry the application name, so two clusters (two appNames) can share a database.
    this.queuePrefix = options.queue?.name ?? this.appName;
    this.results = new ResultPoller(() => this.pool, () => this.readPollingMs, this.log);
    this.messages = new MessageWatch(() => this.pool, TICKS_TOPIC, () => this.readPollingMs, this.log);
    this.caps = checkCaps(options.stepConcurrency);
    this.unclaimedCaps = new Set(this.caps.keys());
    this.slots = new StepSlots(options.appName ?? "flowspec", options.queue?.pollingIntervalMs ?? 50, this.log);
  }

  /** The application version every process of the cluster must share. Known after `launch()`. */
  get applicationVersion(): string {
    return this.version;
  }

  /** Live runs of this process: where each run's ticks go (its recorder). */
  private readonly sinks = new Map<string, (tick: Tick) => void>();
  /** Live runs of this process: the gate each step body passes before it runs (`commitBeforeSteps`). */
  private readonly gates = new Map<string, StepGate>();
  /** Live runs of this process: how to stop each one's execution (a newer execution of the run stops the stale one). */
  private readonly executions = new Map<string, () => void>();

  /**
   * @internal Called by the workflow's constructor (`new X({ runtime })`): registers the workflow
   * with DBOS and returns its runner (runs go to DBOS queues), its tick sink (a live run's ticks go
   * to that run's recorder) and its step hook (checkpoint gate, cluster-wide step slots).
   */
  attach(flow: AnyFlow, local: LocalRunner): RuntimeBinding {
    const { definition } = workflowInfo(flow);
    const name = definition.name;
    if (this.state !== "new") {
      throw new Error(`DbosRuntime: construct ${name} before runtime.launch(); DBOS registers workflows only before launch`);
    }
    if (this.flows.has(name)) {
      throw new Error(`DbosRuntime: workflow ${name} is already constructed with this runtime; construct each workflow once per process`);
    }
    const shape = workflowShape(definition);
    const fingerprint = shapeFingerprint(shape);
    const reg: Registered = { flow, name, shape, fingerprint, queue: `${this.queuePrefix}.${name}.${fingerprint}`, fn: null };
    const gate = { strict: this.options.commitBeforeSteps ?? true, lagMs: this.options.maxCheckpointLagMs ?? 1000 };
    if (!(Number.isFinite(gate.lagMs) && gate.lagMs >= 0)) throw new TypeError(`DbosRuntime: maxCheckpointLagMs must be a number >= 0, got ${String(gate.lagMs)}`);
    reg.fn = DBOS.registerWorkflow(makeRecorder({ flow, local, fingerprint: reg.fingerprint, shape, sinks: this.sinks, gates: this.gates, executions: this.executions, gate, messages: this.messages, warn: (m) => this.log.warn(m) }), {
      name: `flowspec.${name}`,
      maxRecoveryAttempts: 10,
    }) as (input: RunInput) => Promise<unknown>;
    this.flows.set(name, reg);
    attached.add(flow);
    const sinks = this.sinks;
    return {
      runner: {
        remote: true,
        run: (input, options) => this.run(flow, input, options),
        resume: (runId) => this.resume(flow, runId),
        attach: (runId) => this.handlerOn(flow, runId, false),
        resumeAll: () => this.resumeAll(flow),
      },
      onTick: (tick, info) => {
        if (info.runId !== null) sinks.get(info.runId)?.(tick);
      },
      aroundStep: this.stepHook(flow),
    };
  }

  /**
   * The hook around each step body of `flow`: the body runs only once the run's checkpoint gate
   * opens (`commitBeforeSteps`: the tick that started the attempt is checkpointed), and, for a
   * step named in `stepConcurrency`, while it holds one of the step's cluster-wide slots. Waiting
   * counts towards the step's timeout; cancelling the run ends it.
   */
  private stepHook(flow: AnyFlow): StepHook {
    const { definition } = workflowInfo(flow);
    const name = definition.name;
    const caps = new Map<string, number>();
    for (const step of definition.steps) {
      const keys = [`${name}.${step.name}`, `${name}.${step.method}`].filter((k) => this.caps.has(k));
      if (new Set(keys.map((k) => this.caps.get(k))).size > 1) throw new TypeError(`DbosRuntime: stepConcurrency gives ${keys.join(" and ")} different caps`);
      for (const k of keys) this.unclaimedCaps.delete(k);
      if (keys.length > 0) caps.set(step.name, this.caps.get(keys[0]!)!);
    }
    const { gates, slots } = this;
    return async ({ step, ctx }, body) => {
      const gate = gates.get(ctx.runId);
      if (gate !== undefined) await gate(ctx.signal);
      const cap = caps.get(step);
      if (cap === undefined) return await body();
      const release = await slots.acquire(`${name}.${step}`, cap, ctx.signal);
      try {
        return await body();
      } finally {
        await release();
      }
    };
  }

  /** Connects, migrates (serialized across processes), registers the queue, starts heartbeats. */
  async launch(): Promise<void> {
    if (this.state !== "new") throw new Error(`DbosRuntime: launch() called twice (state: ${this.state})`);
    if (this.unclaimedCaps.size > 0) {
      throw new TypeError(`DbosRuntime: stepConcurrency names no step of a constructed workflow: ${[...this.unclaimedCaps].join(", ")} (use "Workflow.step")`);
    }
    this.state = "launching";
    const url = this.options.systemDatabaseUrl;
    const pg = loadPg();
    guardPgClients(pg, (e) => this.log.warn(`flowspec/dbos: a Postgres connection failed: ${e.message}`));
    const lock = await connectLaunchLock(pg, url, () => {
      this.state = "new";
    });
    // DBOS requires application versions to be unique across the applications of one database.
    this.version = this.options.applicationVersion ?? (this.appName === "flowspec" ? FORMAT : `${FORMAT}.${this.appName}`);
    const worker = this.options.worker !== false;
    try {
      await acquireMigrationLock(lock);
      const pool = new pg.Pool({ connectionString: url, max: 4 });
      pool.on("error", (e) => this.log.warn(`flowspec/dbos: pool: ${e.message}`)); // an idle client's error must not crash the process
      this.pool = pool;
      // Every process records its versions; a worker also serves the queues of earlier versions it can continue.
      const versions = [...this.flows.values()].map((f) => ({ workflow: f.name, fingerprint: f.fingerprint, shape: f.shape, queue: f.queue }));
      await recordVersions(pool, this.appName, versions);
      const earlier = worker ? await servedVersions(pool, this.appName, versions) : [];
      for (const e of earlier) this.log.info(`flowspec/dbos: this worker also serves runs of ${e.workflow} version ${e.fingerprint} (a compatible earlier version)`);
      const queues = [...versions.map((v) => v.queue), ...earlier.map((e) => e.queue)];
      DBOS.setConfig({
        name: this.options.appName ?? "flowspec",
        systemDatabaseUrl: url,
        executorID: this.executorId,
        applicationVersion: this.version,
        logger: this.log,
        listenQueues: worker ? queues : [],
        systemDatabaseIdleTransactionTimeoutMs: this.options.idleTransactionTimeoutMs ?? 10_000,
      } as Parameters<typeof DBOS.setConfig>[0]);
      // A worker's heartbeat row exists before DBOS dequeues anything, so no run is ever on an
      // executor without a row. With liveness: false it heartbeats but never reaps.
      let liveness: Awaited<ReturnType<typeof startLiveness>> | null = null;
      if (worker) {
        liveness = await startLiveness(
          pool,
          this.options.liveness || {},
          {
            executorId: this.executorId,
            appName: this.appName,
            version: this.version,
            queues,
            log: this.log,
            reap: this.options.liveness !== false,
            isLaunched: () => this.state === "launched",
            onReap: (deadExecutorId, runIds) => this.onReap?.(deadExecutorId, runIds),
          },
          async () => {
            const { DBOSExecutor } = (await import("@dbos-inc/dbos-sdk/internal/dbos-executor")) as {
              DBOSExecutor: { globalInstance?: { recoverPendingWorkflows(ids: string[]): Promise<{ workflowID: string }[]> } };
            };
            return async (ids) => (await DBOSExecutor.globalInstance?.recoverPendingWorkflows(ids)) ?? [];
          },
        );
      } else await ensureWorkersTable(pool).catch(() => undefined);
      await DBOS.launch();
      if (worker) {
        // DBOS's LISTEN/NOTIFY wake-ups for messages (internal, as recovery: flowspec pins ~5.3); without them the watch polls.
        const { DBOSExecutor } = (await import("@dbos-inc/dbos-sdk/internal/dbos-executor").catch(() => ({}))) as { DBOSExecutor?: { globalInstance?: { systemDatabase?: { notificationsMap?: unknown } } } };
        this.messages.useNotifications(DBOSExecutor?.globalInstance?.systemDatabase?.notificationsMap);
      }
      // Queue settings belong to the workers: a client (worker: false) never registers, so it never
      // rewrites workerConcurrency or concurrency (DBOS workers re-read them from the database).
      if (worker) {
        for (const queue of queues) {
          await DBOS.registerQueue(queue, {
            workerConcurrency: this.options.queue?.workerConcurrency ?? 100,
            ...(this.options.queue?.concurrency !== undefined ? { concurrency: this.options.queue.concurrency } : {}),
            minPollingIntervalMs: this.options.queue?.pollingIntervalMs ?? 50,
            onConflict: "always_update",
          } as Parameters<typeof DBOS.registerQueue>[1]);
        }
      }
      if (worker && this.caps.size > 0) this.slots.open(pg, url, [...this.caps.values()].reduce((a, b) => a + b, 0));
      if (liveness !== null) {
        liveness.start();
        this.timers.push(...liveness.timers);
      }
    } catch (error) {
      this.state = "new";
      await this.pool?.end().catch(() => undefined);
      this.pool = null;
      throw error;
    } finally {
      await lock.end().catch(() => undefined);
    }
    this.state = "launched";
  }

  /** `launch()`, then `shutdown()` on SIGTERM or SIGINT: a worker process's whole main. */
  async serve(): Promise<void> {
    await this.launch();
    const stop = () => {
      void this.shutdown().finally(() => process.exit(0));
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  }

  /** Stops dequeuing; runs still going here are recovered by a peer at once (their heartbeat is marked dead). Runs are not cancelled. */
  async shutdown(options: { workflowCompletionTimeoutMs?: number } = {}): Promise<void> {
    if (this.state !== "launched") {
      this.state = "shut down";
      return;
    }
    this.state = "shut down";
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await DBOS.shutdown({ workflowCompletionTimeoutMS: options.workflowCompletionTimeoutMs ?? 1000 });
    this.results.close();
    this.messages.close();
    await this.slots.close();
    if (this.pool !== null) {
      await markWorkerDead(this.pool, this.executorId).catch(() => undefined);
      await this.pool.end().catch(() => undefined);
      this.pool = null;
    }
  }

  /**
   * Resolves once the run has ended (any DBOS terminal status). One query per polling interval
   * for every run this process awaits, instead of one poller per handle.
   * @internal
   */
  waitForEnd(runId: string, onStatus?: (status: ContextStatus) => void): Promise<void> {
    return this.results.waitForEnd(runId, onStatus);
  }

  /** @internal */
  warn(message: string): void {
    this.log.warn(message);
  }

  /** Called when this worker recovered a dead peer's runs (tests, metrics). */
  onReap: ((deadExecutorId: string, runIds: string[]) => void) | undefined;

  private registered(flow: AnyFlow): Registered {
    const name = workflowInfo(flow).definition.name;
    const reg = this.flows.get(name);
    if (reg === undefined || reg.flow !== flow) throw new Error(`DbosRuntime: ${name} was not constructed with this runtime`);
    if (this.state !== "launched") throw new Error(`DbosRuntime: call await runtime.launch() before running ${reg.name}`);
    return reg;
  }

  /** `flow.run(input, { runId })`: validates, then enqueues a DBOS workflow whose id is the runId. */
  run(flow: AnyFlow, input: unknown, options: RunnerRunOptions = {}): DbosHandler<any, any> {
    const runId = options.runId ?? randomUUID();
    const def = workflowInfo(flow).definition;
    const name = def.name;
    let at = Date.now();
    const ready = (async () => {
      if (options.ctx !== undefined) throw new Error(`DbosRuntime: run(…, { ctx }) is not supported; a DBOS run's context lives in its journal`);
      const reg = this.registered(flow);
      const start = startEventOf(def, input);
      if (!(start instanceof Event)) throw start;
      at = Date.now();
      const arg: RunInput = { v: 1, workflow: name, start: encodeEvent(start), at };
      try {
        await DBOS.startWorkflow(reg.fn!, { workflowID: runId, queueName: reg.queue, workflowIDReusePolicy: "reject" } as Parameters<typeof DBOS.startWorkflow>[1])(arg);
      } catch (error) {
        if (isDbosError(error, "DBOSWorkflowIDInUseError", /already exists|in use/i)) throw new RunExistsError(runId, `the DBOS system database ${maskUrl(this.options.systemDatabaseUrl)} (workflow ${name})`);
        throw error;
      }
    })();
    const timeout = workflowInfo(flow).timeout;
    const deadline = ready.then(() => (timeout === null ? null : at + timeout * 1000)).catch(() => null);
    return DbosHandler.of(this, flow, runId, ready, "running", deadline);
  }

  /** When a run's timeout ends (epoch ms): its enqueue time (`RunInput.at`) plus the workflow's timeout; null when unknown or none. */
  private async deadlineOf(flow: AnyFlow, runId: string): Promise<number | null> {
    const timeout = workflowInfo(flow).timeout;
    if (timeout === null) return null;
    const status = await DBOS.getWorkflowStatus(runId).catch(() => null);
    const at = (status?.input?.[0] as RunInput | undefined)?.at;
    return typeof at === "number" ? at + timeout * 1000 : null;
  }

  /**
   * `flow.resume(runId)`: attaches to a run from any process (DBOS runs or recovers it); a finished
   * run settles as it did. A cancelled run continues (DBOS's resume): it is queued again for a
   * worker of its version, replays its checkpoints and re-dispatches what was in flight.
   */
  resume(flow: AnyFlow, runId: string): DbosHandler<any, any> {
    return this.handlerOn(flow, runId, true);
  }

  /**
   * A handler on a run from any process. `continueCancelled`: `resume`'s rule (a cancelled run is
   * queued again); without it (the runner's `attach`, for processes that only watch, answer and
   * cancel runs) nothing about the run changes.
   */
  private handlerOn(flow: AnyFlow, runId: string, continueCancelled: boolean): DbosHandler<any, any> {
    const name = workflowInfo(flow).definition.name;
    const ready = (async (): Promise<ContextStatus> => {
      const reg = this.registered(flow);
      const status = await DBOS.getWorkflowStatus(runId);
      if (status === null || status.workflowName !== `flowspec.${name}`) throw new RunNotFoundError(runId, name);
      if (continueCancelled && status.status === "CANCELLED") {
        await DBOS.resumeWorkflow(runId, { queueName: status.queueName ?? reg.queue } as never);
        return "running";
      }
      return (await this.status(runId)) ?? "running";
    })();
    return DbosHandler.of(this, flow, runId, ready, null, ready.then(() => this.deadlineOf(flow, runId)).catch(() => null));
  }

  /** Every unfinished run of this workflow (recovery already runs them; this attaches). */
  async resumeAll(flow: AnyFlow): Promise<DbosHandler<any, any>[] & { readonly skipped: readonly { runId: string; error: Error }[] }> {
    const reg = this.registered(flow);
    const rows = await DBOS.listWorkflows({ workflowName: `flowspec.${reg.name}`, status: ["PENDING", "ENQUEUED"] } as Parameters<typeof DBOS.listWorkflows>[0]);
    const handlers = rows.map((r) => DbosHandler.of(this, flow, r.workflowID, Promise.resolve(), "running", this.deadlineOf(flow, r.workflowID)));
    return Object.assign(handlers, { skipped: [] as { runId: string; error: Error }[] });
  }

  /** @internal Cancels a run wherever it is (DBOS cancellation; `resume` continues it). */
  async cancel(runId: string): Promise<void> {
    if (this.state !== "launched") throw new Error("DbosRuntime: call await runtime.launch() before cancelling runs");
    await DBOS.cancelWorkflow(runId);
  }

  /** @internal */
  async send(runId: string, workflow: string, envelope: Envelope): Promise<void> {
    if (this.state !== "launched") throw new Error("DbosRuntime: call await runtime.launch() before sending events");
    if (envelope.kind === "external") {
      // As in memory: an event sent to a finished run is refused (a cancelled run keeps it for its resume).
      const status = await this.status(runId);
      if (status === null) throw new RunNotFoundError(runId, workflow);
      if (FINISHED.has(status)) throw finishedError(workflow, runId, status);
      return this.sendExternal(runId, workflow, envelope);
    }
    await this.dbosSend(runId, workflow, envelope);
  }

  /**
   * @internal An outside event's message, and the check that it reached the run: the run may end
   * between the status check and the send. Then the message was never consumed, or the run's last
   * `recv` took it without delivering it (the recorder names it in `flowspec.undelivered`): either
   * way this throws, as in memory, instead of dropping it silently.
   */
  async sendExternal(runId: string, workflow: string, envelope: Envelope & { kind: "external" }): Promise<void> {
    const id = randomUUID();
    await this.dbosSend(runId, workflow, { ...envelope, id }, id);
    const status = await this.status(runId);
    if (status === null || !FINISHED.has(status) || this.pool === null) return;
    const { rows } = await this.pool.query(`UPDATE dbos.notifications SET consumed = true WHERE message_uuid = $1 AND consumed = false RETURNING 1`, [`${id}::${runId}`]);
    const undelivered = rows.length > 0 || (await DBOS.getEvent<string>(runId, UNDELIVERED_KEY, { timeoutSeconds: 0 }).catch(() => null)) === id;
    if (undelivered) throw finishedError(workflow, runId, status);
  }

  private async dbosSend(runId: string, workflow: string, envelope: Envelope, idempotencyKey?: string): Promise<void> {
    try {
      await DBOS.send(runId, envelope, TICKS_TOPIC, idempotencyKey);
    } catch (error) {
      if (isDbosError(error, "DBOSNonExistentWorkflowError", /does not exist|non-?existent/i)) {
        throw new RunNotFoundError(runId, workflow);
      }
      throw error;
    }
  }

  /**
   * @internal A run's stream as stored: its number of entries, and whether it was closed (runs
   * recorded in format 1 close it; format 2 ends it with the run). null when unknown.
   */
  async streamEnd(runId: string): Promise<{ length: number; closed: boolean } | null> {
    if (this.pool === null) return null;
    const { rows } = await this.pool.query(
      `SELECT (SELECT count(*) FROM dbos.streams WHERE workflow_uuid = $1 AND key = $2)::int AS length,
              EXISTS (SELECT 1 FROM dbos.operation_outputs WHERE workflow_uuid = $1 AND function_name = 'DBOS.closeStream') AS closed`,
      [runId, STREAM_KEY],
    );
    return rows[0] === undefined ? null : { length: Number(rows[0].length), closed: rows[0].closed === true };
  }

  /** @internal */
  get readPollingMs(): number {
    return this.options.pollingIntervalMs ?? 100;
  }

  /** The run's status as flowspec names it: running | waiting | completed | failed | cancelled | timed_out, or null when unknown. */
  async status(runId: string): Promise<ContextStatus | null> {
    return (await this.inspect(runId))?.status ?? null;
  }

  /**
   * The run's status and why it waits: `waiting for an event from outside` (a human, say), or
   * `waiting for a worker of version <fingerprint>` when it is queued for a workflow shape that no
   * live worker serves (its timeout keeps counting). null for an unknown run.
   */
  async inspect(runId: string): Promise<DbosRunInfo | null> {
    const s = await DBOS.getWorkflowStatus(runId);
    if (s === null) return null;
    const queue = s.status === "ENQUEUED" ? (s.queueName ?? null) : null;
    const served = queue !== null && this.pool !== null ? await servedQueues(this.pool, [queue]) : null;
    const phase = LIVE.has(s.status) ? await DBOS.getEvent<string>(runId, STATUS_KEY, { timeoutSeconds: 0 }).catch(() => null) : null;
    return statusOf(s, phase, served);
  }

}
