// The options of a DbosRuntime, its logger interface, and the logger it uses when given none.

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
  /**
   * DBOS application name: scopes workflows, queues (their names start with it), heartbeats and
   * `stepConcurrency` slots, so two clusters with different names can share one database. Default "flowspec".
   */
  readonly appName?: string;
  /** false: this process enqueues, sends and reads, but runs no workflow (an API process). Default true. */
  readonly worker?: boolean;
  /** Unique per process. Default `${hostname}-${pid}-${random}`. Never share one between live processes. */
  readonly executorId?: string;
  /**
   * DBOS application version; must be equal in every process of a cluster (DBOS dequeues and
   * recovers only its own version's runs; versions are unique per application in a database).
   * Default "flowspec-dbos-1", or "flowspec-dbos-1.<appName>" for another appName. Runs are routed by workflow
   * shape anyway (see `queue.name`), so a shape change needs no new version.
   */
  readonly applicationVersion?: string;
  readonly queue?: {
    /** Prefix of the run queues: one per workflow and shape, `${name}.${Workflow}.${fingerprint}`. Default: `appName`. */
    readonly name?: string;
    /** Runs of one workflow at once in this process (waiting runs count). Default 100. */
    readonly workerConcurrency?: number;
    /** Runs of one workflow at once across the cluster. Default: no limit. */
    readonly concurrency?: number;
    /** How often idle workers poll the queue. Default 50 ms. */
    readonly pollingIntervalMs?: number;
  };
  /**
   * Opt-in cluster-wide caps on step attempts: `{ "JokeFlow.generate_joke": 3 }` (workflow name, then
   * the step's name or method). At most that many bodies of the step run at once across every worker
   * sharing the system database and `appName`, whatever the runs and their `workers`. Each running
   * body holds a Postgres advisory lock on a connection of its own; waiting is polled (every
   * `queue.pollingIntervalMs`) and counts against the step's timeouts. Every worker must set it.
   */
  readonly stepConcurrency?: Readonly<Record<string, number>>;
  /**
   * A step attempt's body starts only once the ticks that led to it (its event's delivery, its
   * `attempt_started`) are checkpointed in Postgres. Default true, as the SQLite journal. false: bodies
   * start at once and ticks are checkpointed in the background (faster); after a crash, finished steps
   * whose outcomes were not yet checkpointed run again. See docs/dbos.md.
   */
  readonly commitBeforeSteps?: boolean;
  /**
   * With `commitBeforeSteps: false`: once a tick has waited longer than this for its checkpoint
   * (Postgres is slow or down), new step bodies wait for checkpoints as in strict mode. Default 1000.
   */
  readonly maxCheckpointLagMs?: number;
  /**
   * Dead-worker reaping (heartbeat table + `recoverPendingWorkflows`), judged on the database's
   * clock. false: this worker heartbeats (peers may reap it) but never reaps; its own runs are then
   * recovered by peers, or when a process with the same executor id restarts.
   */
  readonly liveness?: { readonly heartbeatMs?: number; readonly staleMs?: number } | false;
  /** Stream and result polling for reads from this process. Default 100 ms. */
  readonly pollingIntervalMs?: number;
  /** Ends a frozen worker's open transactions, so peers can recover its runs. Default 10 s. */
  readonly idleTransactionTimeoutMs?: number;
  readonly logger?: DbosLogger;
}

/** The default logger: warnings and errors on stderr, nothing else. */
export const quietLogger: DbosLogger = {
  debug() {},
  info() {},
  warn(m) {
    console.warn("[flowspec/dbos]", m instanceof Error ? m.message : m);
  },
  error(m) {
    console.error("[flowspec/dbos]", m instanceof Error ? m.message : m);
  },
};
