// A journaled run that had already finished when it was resumed: it runs nothing and settles as
// it did. Its stream is the journaled one; `streamEvents()` without `from` starts where this
// process joined (the end), `{ from: 0 }` replays it all.

import { endedStatus, runStateOf, StopEvent, type Context, type ContextStatus, type Event, type RunHandle } from "../backend.js";
import { StreamLog } from "./stream-log.js";

/** How a finished run ended. */
export interface Ending {
  readonly error: Error | null;
  readonly result: Event | null;
}

export class FinishedRun implements RunHandle {
  readonly done = true;
  readonly result: Promise<unknown>;
  private readonly log: StreamLog;
  private cursor: number;

  constructor(
    readonly ctx: Context<any>,
    readonly runId: string,
    streamed: readonly Event[],
    ending: Ending,
  ) {
    this.log = new StreamLog(streamed);
    this.cursor = streamed.length;
    // The journal's stream of a completed run already ends with its stop event.
    this.log.end(ending.error ?? undefined);
    const result = ending.result;
    this.result = ending.error !== null ? Promise.reject(ending.error) : Promise.resolve(result!.constructor === StopEvent ? (result as StopEvent).result : result);
    this.result.catch(() => undefined);
  }

  get status(): ContextStatus {
    return endedStatus(runStateOf(this.ctx));
  }

  async state(): Promise<any> {
    return structuredClone(runStateOf(this.ctx).state);
  }

  async store(): Promise<Record<string, unknown>> {
    return structuredClone(Object.fromEntries(runStateOf(this.ctx).store));
  }

  streamEvents(options?: { readonly from?: number }): AsyncIterableIterator<Event> {
    if (options?.from !== undefined) return this.log.consume(options.from);
    return this.log.consume(this.cursor, (next) => (this.cursor = Math.max(this.cursor, next)));
  }

  /** A finished run has nothing to cancel. */
  cancel(): void {}
}
