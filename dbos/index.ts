// flowspec/dbos: runs generated workflows on DBOS Transact over Postgres. See docs/dbos.md (usage)
// and docs/dbos-design.md (design "C": a run is a DBOS workflow whose op log is its tick journal).
//
//   const runtime = new DbosRuntime({ systemDatabaseUrl: process.env.FLOWSPEC_PG_URL! });
//   const flow = new JokeFlow({ runtime, resources: { llm: () => llm } });
//   await runtime.launch();                                 // after every workflow is constructed
//   const handler = flow.run({ topic: "pirates" }, { runId: "joke-42" });   // enqueued, any process

import { randomBytes, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { DBOS } from "@dbos-inc/dbos-sdk";
import {
  Context,
  Event,
  StopEvent,
  WorkflowHandler,
  type RunOptions,
  type SendEventOptions,
  type Tick,
  type TickSink,
  type Workflow,
  type WorkflowRuntime,
} from "../runtime/index.js";
import { WORKFLOW } from "../runtime/internals.js";
import { checkEvent } from "../runtime/validate.js";
import { decodeEvent, encodeEvent, fromDbosError } from "./codec.js";
import { RunExistsError, shapeFingerprint, workflowShape, type WorkflowShape } from "../runtime/journal.js";
import { makeRecorder, STATUS_KEY, STREAM_KEY, TICKS_TOPIC, type Envelope, type RunInput, type StreamError } from "./recorder.js";

export { RunExistsError } from "../runtime/journal.js";
export { STREAM_KEY, TICKS_TOPIC, STATUS_KEY } from "./recorder.js";

/** Where logs go; DBOS's own log too. Default: warnings and errors on stderr. */
export interface DbosLogger {
  debug(message: unknown): void;
  info(message: unknown): void;
  warn(message: unknown): void;
  error(message: unknown): void;
}

export interface DbosRuntimeOptions {
  /** Postgres URL of the DBOS system database (created and migrated on launch when missing). */
  readonly systemDatabaseUrl: string;
  /** DBOS application name: scopes workflows and queues in the database. Default "flowspec". */
  readonly appName?: string;
  /** false: this process enqueues, sends and reads, but runs no workflow (an API process). Default true. */
  readonly worker?: boolean;
  /** Unique per process. Default `${hostname}-${pid}-${random}`. Never share one between live processes. */
  readonly executorId?: string;
  /**
   * DBOS application version; must be equal in every process of a cluster (DBOS dequeues and
   * recovers only its own version's runs). Default "flowspec-dbos-1". Runs are routed by workflow
   * shape anyway (see `queue.name`), so a shape change needs no new version.
   */
  readonly applicationVersion?: string;
  readonly queue?: {
    /** Prefix of the run queues: one per workflow and shape, `${name}.${Workflow}.${fingerprint}`. Default "flowspec". */
    readonly name?: string;
    /** Runs of one workflow at once in this process (waiting runs count). Default 100. */
    readonly workerConcurrency?: number;
    /** Runs of one workflow at once across the cluster. Default: no limit. */
    readonly concurrency?: number;
    /** How often idle workers poll the queue. Default 50 ms. */
    readonly pollingIntervalMs?: number;
  };
  /** Dead-worker reaping (heartbeat table + `recoverPendingWorkflows`); false to rely on restarts with the same executor id. */
  readonly liveness?: { readonly heartbeatMs?: number; readonly staleMs?: number } | false;
  /** Stream and result polling for reads from this process. Default 100 ms. */
  readonly pollingIntervalMs?: number;
  /** Ends a frozen worker's open transactions, so peers can recover its runs. Default 10 s. */
  readonly idleTransactionTimeoutMs?: number;
  readonly logger?: DbosLogger;
}

/** `flow.run`, `flow.resume`, `streamEvents({ from })` on a run the DBOS system database does not know. */
export class RunNotFoundError extends Error {
  override readonly name = "RunNotFoundError";
  constructor(readonly runId: string, workflow: string) {
    super(`Run "${runId}" of ${workflow} does not exist in the DBOS system database`);
  }
}

type AnyFlow = Workflow<any, any, any, any>;

interface Registered {
  readonly flow: AnyFlow;
  readonly name: string;
  /** Its run queue: only workers whose workflow has the same shape dequeue it. */
  readonly queue: string;
  readonly fingerprint: string;
  readonly shape: WorkflowShape;
  fn: ((input: RunInput) => Promise<unknown>) | null;
}

const quietLogger: DbosLogger = {
  debug() {},
  info() {},
  warn(m) {
    console.warn("[flowspec/dbos]", m instanceof Error ? m.message : m);
  },
  error(m) {
    console.error("[flowspec/dbos]", m instanceof Error ? m.message : m);
  },
};

let processRuntime: DbosRuntime | null = null;

/** What `pg` we use: DBOS's own dependency (no new dependency). */
interface PgPool {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  connect(): Promise<{ query(text: string, values?: unknown[]): Promise<{ rows: any[] }>; release(): void }>;
  on(event: "error", listener: (error: Error) => void): unknown;
  end(): Promise<void>;
}
interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  on(event: "error", listener: (error: Error) => void): unknown;
  end(): Promise<void>;
}
interface PgModule {
  Pool: new (options: Record<string, unknown>) => PgPool;
  Client: new (options: Record<string, unknown>) => PgClient;
}
function loadPg(): PgModule {
  const require = createRequire(import.meta.url);
  const sdk = require.resolve("@dbos-inc/dbos-sdk");
  return createRequire(sdk)("pg") as PgModule;
}

const FORMAT = "flowspec-dbos-1";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
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
    const sinks = this.sinks;
    return (tick, info) => {
      if (info.runId !== null) sinks.get(info.runId)?.(tick);
    };
  }

  /** Connects, migrates (serialized across processes), registers the queue, starts heartbeats. */
  async launch(): Promise<void> {
    if (this.state !== "new") throw new Error(`DbosRuntime: launch() called twice (state: ${this.state})`);
    this.state = "launching";
    const url = this.options.systemDatabaseUrl;
    const pg = loadPg();
    // Fail fast and clearly when Postgres is unreachable (DBOS would retry for a long time).
    const lock = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    lock.on("error", () => undefined);
    try {
      await lock.connect();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== "3D000") {
        this.state = "new";
        throw new Error(`DbosRuntime: cannot connect to the system database ${maskUrl(url)}: ${(error as Error).message || code}`, { cause: error });
      }
      // The database does not exist yet: DBOS creates it. Serialize through the maintenance database instead.
      const u = new URL(url);
      u.pathname = "/postgres";
      const fallback = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 5000 });
      fallback.on("error", () => undefined);
      await fallback.connect();
      Object.assign(lock, { query: fallback.query.bind(fallback), end: fallback.end.bind(fallback) });
    }
    this.version = this.options.applicationVersion ?? FORMAT;
    const queues = [...this.flows.values()].map((f) => f.queue);
    const worker = this.options.worker !== false;
    try {
      // Concurrent first launches race DBOS's migrations; poll a try-lock (a *blocking* advisory
      // lock deadlocks against CREATE INDEX CONCURRENTLY, see docs/dbos-design.md §6.1).
      while (!(await lock.query("SELECT pg_try_advisory_lock(hashtext('flowspec.dbos.migrate')) AS ok")).rows[0].ok) await sleep(50 + Math.random() * 100);
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
      if (worker && this.options.liveness !== false) await this.startLiveness(pool);
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
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    for (const w of this.ends.values()) for (const f of w) f(new Error("DbosRuntime: shut down while waiting for the run's result"));
    this.ends.clear();
    if (this.pool !== null) {
      await this.pool.query(`UPDATE flowspec.workers SET heartbeat_at = '-infinity' WHERE executor_id = $1`, [this.executorId]).catch(() => undefined);
      await this.pool.end().catch(() => undefined);
      this.pool = null;
    }
  }

  private async startLiveness(pool: PgPool): Promise<void> {
    const liveness = this.options.liveness || {};
    const heartbeatMs = liveness.heartbeatMs ?? 1000;
    const staleMs = liveness.staleMs ?? 5000;
    await pool.query(`CREATE SCHEMA IF NOT EXISTS flowspec;
      CREATE TABLE IF NOT EXISTS flowspec.workers (executor_id text PRIMARY KEY, app_version text NOT NULL,
        heartbeat_at timestamptz NOT NULL DEFAULT now(), started_at timestamptz NOT NULL DEFAULT now())`);
    await pool.query(
      `INSERT INTO flowspec.workers (executor_id, app_version) VALUES ($1, $2) ON CONFLICT (executor_id) DO UPDATE SET heartbeat_at = now(), app_version = $2`,
      [this.executorId, this.version],
    );
    const { DBOSExecutor } = (await import("@dbos-inc/dbos-sdk/internal/dbos-executor")) as {
      DBOSExecutor: { globalInstance?: { recoverPendingWorkflows(ids: string[]): Promise<{ workflowID: string }[]> } };
    };
    const beat = () =>
      pool.query(`UPDATE flowspec.workers SET heartbeat_at = now() WHERE executor_id = $1`, [this.executorId]).catch((e: Error) => this.log.warn(`flowspec/dbos: heartbeat: ${e.message}`));
    let reaping = false;
    const reap = async () => {
      if (reaping || this.state !== "launched") return;
      reaping = true;
      const client = await pool.connect().catch(() => null);
      if (client === null) {
        reaping = false;
        return;
      }
      // A checked-out client has no pool error listener: a dropped connection must not crash the worker.
      const onError = (e: Error) => this.log.warn(`flowspec/dbos: reaper connection: ${e.message}`);
      (client as unknown as PgClient).on("error", onError);
      try {
        await client.query("BEGIN");
        const { rows } = await client.query(
          `SELECT executor_id FROM flowspec.workers WHERE heartbeat_at < now() - make_interval(secs => $1)
             AND app_version = $2 AND executor_id <> $3 FOR UPDATE SKIP LOCKED`,
          [staleMs / 1000, this.version, this.executorId],
        );
        for (const { executor_id } of rows as { executor_id: string }[]) {
          // PENDING runs of the dead worker → ENQUEUED on their queue; any worker replays them.
          const handles = (await DBOSExecutor.globalInstance?.recoverPendingWorkflows([executor_id])) ?? [];
          await client.query(`DELETE FROM flowspec.workers WHERE executor_id = $1`, [executor_id]);
          this.log.info(`flowspec/dbos: ${this.executorId} recovered ${handles.length} runs of dead worker ${executor_id}`);
          this.onReap?.(executor_id, handles.map((h) => h.workflowID));
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        this.log.warn(`flowspec/dbos: reaper: ${(error as Error).message}`);
      } finally {
        (client as unknown as { off(e: string, l: (e: Error) => void): void }).off("error", onError);
        client.release();
        reaping = false;
      }
    };
    const t1 = setInterval(beat, heartbeatMs);
    const t2 = setInterval(() => void reap(), heartbeatMs);
    t1.unref();
    t2.unref();
    this.timers.push(t1, t2);
  }

  private readonly ends = new Map<string, ((error?: Error) => void)[]>();
  private pollTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Resolves once the run has ended (any DBOS terminal status). One query per polling interval
   * for every run this process awaits, instead of one poller per handle.
   * @internal
   */
  waitForEnd(runId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const list = this.ends.get(runId) ?? [];
      list.push((error) => (error === undefined ? resolve() : reject(error)));
      this.ends.set(runId, list);
      this.schedulePoll(0);
    });
  }

  private schedulePoll(delay: number): void {
    if (this.pollTimer !== null || this.pool === null) return;
    this.pollTimer = setTimeout(() => void this.pollEnds(), delay);
  }

  private async pollEnds(): Promise<void> {
    const pool = this.pool;
    if (pool === null || this.ends.size === 0) {
      this.pollTimer = null;
      return;
    }
    const ids = [...this.ends.keys()];
    try {
      const { rows } = await pool.query(
        `SELECT workflow_uuid FROM dbos.workflow_status WHERE workflow_uuid = ANY($1::text[]) AND status NOT IN ('PENDING', 'ENQUEUED')`,
        [ids],
      );
      for (const { workflow_uuid } of rows as { workflow_uuid: string }[]) {
        const waiters = this.ends.get(workflow_uuid) ?? [];
        this.ends.delete(workflow_uuid);
        for (const f of waiters) f();
      }
    } catch (error) {
      this.log.warn(`flowspec/dbos: result poll: ${(error as Error).message}`);
    }
    this.pollTimer = null;
    if (this.ends.size > 0) this.schedulePoll(this.readPollingMs);
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
        if ((error as Error)?.name === "DBOSWorkflowIDInUseError" || /already exists|in use/i.test(String((error as Error)?.message))) throw new RunExistsError(runId, `the DBOS system database ${maskUrl(this.options.systemDatabaseUrl)} (workflow ${name})`);
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
      if ((error as Error)?.name === "DBOSNonExistentWorkflowError" || /does not exist|non-?existent/i.test(String((error as Error)?.message))) {
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

/** `handler.ctx` of a DBOS run: `sendEvent` goes to the run through DBOS messages, from any process. */
export class DbosContext<State = Record<string, unknown>> extends Context<State> {
  /** @internal */
  constructor(
    flow: AnyFlow,
    private readonly rt: DbosRuntime,
    private readonly id: string,
    private readonly ready: Promise<void>,
  ) {
    super(flow as never);
    this.workflowName = flow[WORKFLOW].definition.name;
  }

  private readonly workflowName: string;

  override get runId(): string {
    return this.id;
  }

  /**
   * Sends an event to the run, wherever it runs. Validated here (an invalid event rejects and is
   * never sent). Resolves once the message is stored; rejects with `RunNotFoundError` for an unknown run.
   */
  override sendEvent(ev: Event, options?: SendEventOptions): Promise<void> {
    const p = (async () => {
      if (!(ev instanceof Event)) throw new TypeError("sendEvent expects an Event instance");
      const invalid = checkEvent(ev);
      if (invalid !== null) throw invalid;
      await this.ready;
      await this.rt.send(this.id, this.workflowName, { v: 1, kind: "external", event: encodeEvent(ev), target: options?.step ?? null });
    })();
    p.catch(() => undefined); // callers that ignore the promise (sendEvent is void in memory) get no unhandled rejection
    return p;
  }
}

/** What `flow.run` / `flow.resume` return with a `DbosRuntime`: awaitable, streamable from any process. */
export class DbosHandler<Result = unknown, State = Record<string, unknown>> extends WorkflowHandler<Result, State> {
  private settled = false;
  private readonly result: Promise<Result>;
  private readonly context: DbosContext<State>;

  /** @internal */
  constructor(
    private readonly rt: DbosRuntime,
    private readonly flow: AnyFlow,
    private readonly id: string,
    private readonly ready: Promise<void>,
  ) {
    const box: { self?: DbosHandler<Result, State> } = {};
    const fake = {
      get context() {
        return box.self!.context;
      },
      runId: id,
      get live() {
        return !box.self!.settled;
      },
      get promise() {
        return box.self!.result;
      },
      stream: { consume: () => box.self!.streamEvents() },
      cancel: () => box.self!.cancel(),
    };
    super(fake as unknown as ConstructorParameters<typeof WorkflowHandler>[0]);
    box.self = this;
    ready.catch(() => undefined);
    this.context = new DbosContext<State>(flow, rt, id, ready);
    this.result = (async () => {
      await ready;
      await rt.waitForEnd(id);
      try {
        const raw = (await DBOS.retrieveWorkflow(id).getResult({ pollingIntervalMs: rt.readPollingMs } as never)) as { type: string; data: Record<string, unknown> };
        const ev = decodeEvent(flow[WORKFLOW].env, raw);
        return (ev.constructor === StopEvent ? (ev as StopEvent).result : ev) as Result;
      } catch (error) {
        throw fromDbosError(error);
      }
    })().finally(() => {
      this.settled = true;
    });
    this.result.catch(() => undefined);
  }

  override get ctx(): DbosContext<State> {
    return this.context;
  }

  override get runId(): string {
    return this.id;
  }

  /** Resolves once the run is enqueued (or, for `resume`, known); rejects with the enqueue's error. */
  get enqueued(): Promise<void> {
    return this.ready;
  }

  /**
   * The run's stream, from any process and as often as you like: what steps wrote, input requests,
   * then the stop event; it throws the run's error if it failed. `from` skips that many entries.
   */
  override streamEvents(options: { from?: number } = {}): AsyncIterableIterator<Event> {
    const { rt, flow, id, ready } = this;
    async function* read(): AsyncGenerator<Event> {
      await ready;
      const env = flow[WORKFLOW].env;
      for await (const value of DBOS.readStream<Record<string, unknown>>(id, STREAM_KEY, { offset: options.from ?? 0, pollingIntervalMs: rt.readPollingMs } as never)) {
        if ("flowspec.error" in value) throw fromDbosError({ flowspec: (value as unknown as StreamError)["flowspec.error"] });
        yield decodeEvent(env, value as { type: string; data: Record<string, unknown> });
      }
    }
    return read();
  }

  /** Cancels the run, wherever it runs (a message: it reaches the run in milliseconds). */
  override cancel(): void {
    void this.ready.then(() => this.rt.send(this.id, this.flow[WORKFLOW].definition.name, { v: 1, kind: "cancel" })).catch(() => undefined);
  }
}

type StartOf<F> = F extends Workflow<any, any, infer S, any> ? S : never;
type ResultOf<F> = F extends Workflow<any, any, any, infer R> ? R : never;
type StateOf<F> = F extends Workflow<infer S, any, any, any> ? S : never;

/** A workflow constructed with a `DbosRuntime`, as `asDbos(flow)` types it: `run`/`resume` return a `DbosHandler`. */
export type DbosWorkflow<F> = Omit<F, "run" | "resume" | "resumeAll"> & {
  run(input: StartOf<F>, options?: { readonly runId?: string }): DbosHandler<ResultOf<F>, StateOf<F>>;
  resume(runId: string): DbosHandler<ResultOf<F>, StateOf<F>>;
  resumeAll(): Promise<DbosHandler<ResultOf<F>, StateOf<F>>[]>;
};

/**
 * `flow`, typed with what a `DbosRuntime` made of it. Not needed to run (the generated class's own
 * `run` works and returns the same handler); it gives `handler.enqueued`, `streamEvents({ from })`
 * and a `sendEvent` that returns its promise their types.
 */
export function asDbos<F extends AnyFlow>(flow: F): DbosWorkflow<F> {
  if (!Object.prototype.hasOwnProperty.call(flow, "resumeAll")) throw new TypeError("This workflow was not constructed with a DbosRuntime ({ runtime })");
  return flow as unknown as DbosWorkflow<F>;
}
