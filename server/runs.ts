// The runs a server knows: one `ServedRun` per handler id, holding the run's handler, its outcome
// and its event log (every streamed event, numbered from 0), which any number of readers follow.
// A single follower reads the runtime's stream into the log, so the runtime's one-reader stream
// serves every HTTP reader, and cursors can replay. Finished runs are kept up to `retention`,
// oldest evicted first.

import type { Event, WorkflowHandler } from "../runtime/index.js";
import { endOfRunEnvelope, envelopeOf, errorText, isTerminal, type Envelope } from "./envelope.js";
import type { ServedWorkflow } from "./workflows.js";

/** A handler's status on the wire (the runtime's `waiting` is `running`; `timed_out` is `failed`). */
export type HandlerStatus = "running" | "completed" | "failed" | "cancelled";

/** The reference's Handler object: always these 9 keys. */
export interface HandlerJSON {
  readonly handler_id: string;
  readonly workflow_name: string;
  readonly run_id: string;
  readonly error: string | null;
  readonly result: Envelope | null;
  readonly status: HandlerStatus;
  readonly started_at: string;
  readonly updated_at: string;
  readonly completed_at: string | null;
}

/** ISO 8601 with microseconds and an explicit offset, as the reference writes them. */
function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

export class ServedRun {
  status: HandlerStatus = "running";
  error: string | null = null;
  result: Envelope | null = null;
  updatedAt: number;
  completedAt: number | null = null;
  /** Every event of the run's stream, in order; an event's sequence number is its index. */
  readonly log: Envelope[] = [];
  /** True once the log is complete (the run ended and its last event is in). */
  ended = false;
  /** Resolves once the run ended and the log is complete. */
  readonly settled: Promise<void>;
  #wakers = new Set<() => void>();

  constructor(
    readonly handlerId: string,
    readonly workflow: ServedWorkflow,
    readonly handler: WorkflowHandler<any, any, any>,
    readonly startedAt: number,
    events: AsyncIterable<Event>,
    /** When the run finished, as its store recorded it (a journal's record), if not now. */
    private readonly finishedAt?: () => number | undefined,
  ) {
    this.updatedAt = startedAt;
    this.settled = this.#follow(events);
  }

  get runId(): string {
    return this.handler.runId;
  }

  /** Reads the runtime's stream into the log, then records how the run ended. */
  async #follow(events: AsyncIterable<Event>): Promise<void> {
    const workflow = this.workflow.definition.name;
    try {
      for await (const ev of events) this.#append(envelopeOf(workflow, ev));
    } catch {
      // The run's error; read below from the handler.
    }
    const last = this.log.at(-1);
    try {
      await this.handler;
      this.status = "completed";
      this.result = last !== undefined && isTerminal(last) ? last : null;
    } catch (error) {
      const now = Date.now();
      const cancelled = error instanceof Error && error.name === "WorkflowCancelledError";
      this.status = cancelled ? "cancelled" : "failed";
      this.error = cancelled ? null : errorText(error);
      if (last === undefined || !isTerminal(last)) this.#append(endOfRunEnvelope(error, this.startedAt, now));
    }
    this.completedAt = this.updatedAt = this.finishedAt?.() ?? Date.now();
    this.ended = true;
    this.#wake();
  }

  #append(env: Envelope): void {
    this.log.push(env);
    this.updatedAt = Date.now();
    this.#wake();
  }

  #wake(): void {
    const wakers = [...this.#wakers];
    this.#wakers.clear();
    for (const wake of wakers) wake();
  }

  /**
   * Resolves true when the log grows or the run ends (or `wake` is called), false after `ms` (a
   * heartbeat is due). `cancel` resolves it at once with false (the reader went away).
   */
  waitForMore(ms: number): { promise: Promise<boolean>; wake: () => void; cancel: () => void } {
    let done!: (more: boolean) => void;
    const promise = new Promise<boolean>((resolve) => (done = resolve));
    const wake = () => {
      clearTimeout(timer);
      done(true);
    };
    const timer = setTimeout(() => {
      this.#wakers.delete(wake);
      done(false);
    }, ms);
    this.#wakers.add(wake);
    return {
      promise,
      wake: () => {
        this.#wakers.delete(wake);
        wake();
      },
      cancel: () => {
        this.#wakers.delete(wake);
        clearTimeout(timer);
        done(false);
      },
    };
  }

  toJSON(): HandlerJSON {
    return {
      handler_id: this.handlerId,
      workflow_name: this.workflow.name,
      run_id: this.runId,
      error: this.error,
      result: this.result,
      status: this.status,
      started_at: iso(this.startedAt),
      updated_at: iso(this.updatedAt),
      completed_at: this.completedAt === null ? null : iso(this.completedAt),
    };
  }
}

/** The server's runs by handler id, with bounded retention of finished ones (oldest finished evicted first). */
export class RunTable {
  readonly #runs = new Map<string, ServedRun>();
  /** Finished runs, oldest first. */
  readonly #finished = new Set<ServedRun>();

  constructor(private readonly retention: number) {}

  get(handlerId: string): ServedRun | undefined {
    return this.#runs.get(handlerId);
  }

  /** Adds (or replaces, for a reused handler id) a run; once it ends, the oldest finished runs beyond retention are evicted. */
  add(run: ServedRun): void {
    const old = this.#runs.get(run.handlerId);
    if (old !== undefined) this.#finished.delete(old);
    this.#runs.delete(run.handlerId);
    this.#runs.set(run.handlerId, run);
    void run.settled.then(() => {
      if (this.#runs.get(run.handlerId) !== run) return; // replaced or deleted meanwhile
      this.#finished.add(run);
      for (const oldest of this.#finished) {
        if (this.#finished.size <= this.retention) break;
        this.#finished.delete(oldest);
        if (this.#runs.get(oldest.handlerId) === oldest) this.#runs.delete(oldest.handlerId);
      }
    });
  }

  delete(handlerId: string): boolean {
    const run = this.#runs.get(handlerId);
    if (run !== undefined) this.#finished.delete(run);
    return this.#runs.delete(handlerId);
  }

  all(): ServedRun[] {
    return [...this.#runs.values()];
  }
}
