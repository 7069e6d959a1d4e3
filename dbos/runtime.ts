// DbosRuntime: registers workflows with DBOS, launches it, and enqueues, resumes and messages runs.

import { randomBytes, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { DBOS } from "@dbos-inc/dbos-sdk";
import { Event, type RunOptions, type Tick, type TickSink, type WorkflowRuntime } from "../runtime/index.js";
import { WORKFLOW } from "../runtime/internals.js";
import { RunExistsError, shapeFingerprint, workflowShape, type WorkflowShape } from "../runtime/journal.js";
import { checkEvent } from "../runtime/validate.js";
import type { AnyFlow } from "./as-dbos.js";
import { encodeEvent } from "./codec.js";
import { RunNotFoundError } from "./errors.js";
import { DbosHandler } from "./handler.js";
import { acquireMigrationLock, connectLaunchLock } from "./launch-lock.js";
import { quietLogger, type DbosLogger, type DbosRuntimeOptions } from "./options.js";
import { loadPg, maskUrl, type PgPool } from "./pg.js";
import { makeRecorder, STATUS_KEY, TICKS_TOPIC, type Envelope, type RunInput } from "./recorder.js";
import { ResultPoller } from "./results.js";
import { checkCaps, StepSlots } from "./step-slots.js";
import { markWorkerDead, startLiveness } from "./workers.js";

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

const FORMAT = "flowspec-dbos-1";

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
  /** The runs this process awaits the end of. */
  private readonly results: ResultPoller;
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
    this.queuePrefix = options.queue?.name ?? "flowspec";
    this.results = new ResultPoller(() => this.pool, () => this.readPollingMs, this.log);
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

  /** @internal Called by the workflow's constructor (`new X({ runtime })`); returns its tick sink. */
  attach(flow: AnyFlow): TickSink {
    if (this.state !== "new") {
      throw new Error(`DbosRuntime: construct ${flow[WORKFLOW].definition.name} before runtime.launch(); DBOS registers workflows only before launch`);
    }
    const name = flow[WORKFLOW].definition.name;
    if (this.flows.has(name)) {
      throw new Error(`DbosRuntime: workflow ${name} is already constructed with this runtime; construct each workflow once per process`);
    }
    const shape = workflowShape(flow[WORKFLOW].definition);
    const fingerprint = shapeFingerprint(shape);
    const reg: Registered = { flow, name, shape, fingerprint, queue: `${this.queuePrefix}.${name}.${fingerprint}`, fn: null };
    reg.fn = DBOS.registerWorkflow(makeRecorder({ flow, fingerprint: reg.fingerprint, shape, sinks: this.sinks, warn: (m) => this.log.warn(m) }), {
      name: `flowspec.${name}`,
      maxRecoveryAttempts: 10,
    }) as (input: RunInput) => Promise<unknown>;
    this.flows.set(name, reg);
    const runtime = this;
    Object.defineProperty(flow, "run", {
      configurable: true,
      writable: true,
      value: (input: unknown, options: RunOptions<any> = {}) => runtime.run(flow, input, options),
    });
    Object.defineProperty(flow, "resume", { configurable: true, writable: true, value: (runId: string) => runtime.resume(flow, runId) });
    Object.defineProperty(flow, "resumeAll", { configurable: true, writable: true, value: () => runtime.resumeAll(flow) });
    this.capSteps(flow, name);
    const sinks = this.sinks;
    return (tick, info) => {
      if (info.runId !== null) sinks.get(info.runId)?.(tick);
    };
  }

  /**
   * `stepConcurrency`: wraps each capped step's method on this instance (the live driver looks it up
   * there), so its body runs only while it holds one of the step's cluster-wide slots.
   */
  private capSteps(flow: AnyFlow, name: string): void {
    for (const step of flow[WORKFLOW].definition.steps) {
      const keys = [`${name}.${step.name}`, `${name}.${step.method}`].filter((k) => this.caps.has(k));
      if (keys.length === 0) continue;
      if (new Set(keys.map((k) => this.caps.get(k))).size > 1) throw new TypeError(`DbosRuntime: stepConcurrency gives ${keys.join(" and ")} different caps`);
      for (const k of keys) this.unclaimedCaps.delete(k);
      const key = `${name}.${step.name}`;
      const cap = this.caps.get(keys[0]!)!;
      const original = (flow as unknown as Record<string, unknown>)[step.method];
      if (typeof original !== "function") continue; // the invoker reports the missing method
      const slots = this.slots;
      Object.defineProperty(flow, step.method, {
        configurable: true,
        writable: true,
        value: async function capped(this: unknown, ev: unknown, ctx: { signal: AbortSignal }, resources: unknown) {
          const release = await slots.acquire(key, cap, ctx.signal);
          try {
            return await (original as Function).call(this, ev, ctx, resources);
          } finally {
            await release();
          }
        },
      });
    }
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
    const lock = await connectLaunchLock(pg, url, () => {
      this.state = "new";
    });
    this.version = this.options.applicationVersion ?? FORMAT;
    const queues = [...this.flows.values()].map((f) => f.queue);
    const worker = this.options.worker !== false;
    try {
      await acquireMigrationLock(lock);
      DBOS.setConfig({
        name: this.options.appName ?? "flowspec",
        systemDatabaseUrl: url,
        executorID: this.executorId,
        applicationVersion: this.version,
        logger: this.log,
        listenQueues: worker ? queues : [],
        systemDatabaseIdleTransactionTimeoutMs: this.options.idleTransactionTimeoutMs ?? 10_000,
      } as Parameters<typeof DBOS.setConfig>[0]);
      await DBOS.launch();
      for (const queue of queues) {
        await DBOS.registerQueue(queue, {
          workerConcurrency: this.options.queue?.workerConcurrency ?? 100,
          ...(this.options.queue?.concurrency !== undefined ? { concurrency: this.options.queue.concurrency } : {}),
          minPollingIntervalMs: this.options.queue?.pollingIntervalMs ?? 50,
          onConflict: "always_update",
        } as Parameters<typeof DBOS.registerQueue>[1]);
      }
      const pool = new pg.Pool({ connectionString: url, max: 3 });
      pool.on("error", (e) => this.log.warn(`flowspec/dbos: pool: ${e.message}`)); // an idle client's error must not crash the process
      this.pool = pool;
      if (worker && this.caps.size > 0) this.slots.open(pg, url, [...this.caps.values()].reduce((a, b) => a + b, 0));
      if (worker && this.options.liveness !== false) {
        this.timers.push(
          ...(await startLiveness(pool, this.options.liveness || {}, {
            executorId: this.executorId,
            version: this.version,
            log: this.log,
            isLaunched: () => this.state === "launched",
            onReap: (deadExecutorId, runIds) => this.onReap?.(deadExecutorId, runIds),
          })),
        );
      }
    } catch (error) {
      this.state = "new";
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
  waitForEnd(runId: string): Promise<void> {
    return this.results.waitForEnd(runId);
  }

  /** Called when this worker recovered a dead peer's runs (tests, metrics). */
  onReap: ((deadExecutorId: string, runIds: string[]) => void) | undefined;

  private registered(flow: AnyFlow): Registered {
    const reg = this.flows.get(flow[WORKFLOW].definition.name);
    if (reg === undefined || reg.flow !== flow) throw new Error(`DbosRuntime: ${flow[WORKFLOW].definition.name} was not constructed with this runtime`);
    if (this.state !== "launched") throw new Error(`DbosRuntime: call await runtime.launch() before running ${reg.name}`);
    return reg;
  }

  /** `flow.run(input, { runId })`: validates, then enqueues a DBOS workflow whose id is the runId. */
  run(flow: AnyFlow, input: unknown, options: RunOptions<any> = {}): DbosHandler<any, any> {
    const runId = options.runId ?? randomUUID();
    const name = flow[WORKFLOW].definition.name;
    const ready = (async () => {
      if (options.ctx !== undefined) throw new Error(`DbosRuntime: run(…, { ctx }) is not supported; a DBOS run's context lives in its journal`);
      const reg = this.registered(flow);
      const def = flow[WORKFLOW].definition;
      const start = input instanceof Event ? input : new def.startEvent(input ?? {});
      const invalid = checkEvent(start);
      if (invalid !== null) throw invalid;
      const arg: RunInput = { v: 1, workflow: name, start: encodeEvent(start) };
      try {
        await DBOS.startWorkflow(reg.fn!, { workflowID: runId, queueName: reg.queue, workflowIDReusePolicy: "reject" } as Parameters<typeof DBOS.startWorkflow>[1])(arg);
      } catch (error) {
        if (isDbosError(error, "DBOSWorkflowIDInUseError", /already exists|in use/i)) throw new RunExistsError(runId, `the DBOS system database ${maskUrl(this.options.systemDatabaseUrl)} (workflow ${name})`);
        throw error;
      }
    })();
    return new DbosHandler(this, flow, runId, ready);
  }

  /** `flow.resume(runId)`: attaches to a run from any process (DBOS runs or recovers it); a finished run settles as it did. */
  resume(flow: AnyFlow, runId: string): DbosHandler<any, any> {
    const name = flow[WORKFLOW].definition.name;
    const ready = (async () => {
      this.registered(flow);
      const status = await DBOS.getWorkflowStatus(runId);
      if (status === null || status.workflowName !== `flowspec.${name}`) throw new RunNotFoundError(runId, name);
    })();
    return new DbosHandler(this, flow, runId, ready);
  }

  /** Every unfinished run of this workflow (recovery already runs them; this attaches). */
  async resumeAll(flow: AnyFlow): Promise<DbosHandler<any, any>[]> {
    const reg = this.registered(flow);
    const rows = await DBOS.listWorkflows({ workflowName: `flowspec.${reg.name}`, status: ["PENDING", "ENQUEUED"] } as Parameters<typeof DBOS.listWorkflows>[0]);
    return rows.map((r) => new DbosHandler(this, flow, r.workflowID, Promise.resolve()));
  }

  /** @internal */
  async send(runId: string, workflow: string, envelope: Envelope): Promise<void> {
    if (this.state !== "launched") throw new Error("DbosRuntime: call await runtime.launch() before sending events");
    try {
      await DBOS.send(runId, envelope, TICKS_TOPIC);
    } catch (error) {
      if (isDbosError(error, "DBOSNonExistentWorkflowError", /does not exist|non-?existent/i)) {
        throw new RunNotFoundError(runId, workflow);
      }
      throw error;
    }
  }

  /** @internal */
  get readPollingMs(): number {
    return this.options.pollingIntervalMs ?? 100;
  }

  /** The run's status as flowspec names it: running | waiting | completed | failed | cancelled, or null when unknown. */
  async status(runId: string): Promise<"running" | "waiting" | "completed" | "failed" | "cancelled" | null> {
    const s = await DBOS.getWorkflowStatus(runId);
    if (s === null) return null;
    if (s.status === "SUCCESS") return "completed";
    if (s.status === "ERROR") return (s.error as { name?: string } | undefined)?.name === "WorkflowCancelledError" ? "cancelled" : "failed";
    if (s.status === "PENDING" || s.status === "ENQUEUED") {
      const w = await DBOS.getEvent<string>(runId, STATUS_KEY, { timeoutSeconds: 0 }).catch(() => null);
      return w === "waiting" ? "waiting" : "running";
    }
    return "failed";
  }
}
