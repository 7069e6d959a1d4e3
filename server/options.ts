// The options of `createServer`.

import type { Journal } from "../runtime/index.js";
import type { StepEvents } from "./step-events.js";
import type { AnyWorkflow } from "./workflows.js";

/** Cross-origin access. Off unless given; an origin of `"*"` together with `credentials` is refused. */
export interface CorsOptions {
  /** Allowed origins: one, a list, or a predicate. */
  readonly origin: string | readonly string[] | ((origin: string) => boolean);
  /** Send `Access-Control-Allow-Credentials: true` (cookies, or `EventSource` with `withCredentials`). Default false. */
  readonly credentials?: boolean;
  /** Seconds a preflight may be cached. Default 600. */
  readonly maxAge?: number;
}

export interface ServerLimits {
  /** Largest request body, in bytes (413 beyond). Default 1 MiB. */
  readonly bodyBytes?: number;
  /** Most event streams open at once, over all runs (503 beyond). Default 10,000. */
  readonly streams?: number;
}

/**
 * What `authorize` may answer: true (or nothing) lets the request through, false refuses it with
 * 403, a `Response` is sent as it is.
 */
export type AuthorizeResult = boolean | void | Response;

export interface ServerOptions {
  /** The workflows to serve, by the name clients use (`/workflows/{name}/run`): instances of generated classes. */
  readonly workflows: Readonly<Record<string, AnyWorkflow>>;
  /**
   * The journal the workflows were constructed with (`new JokeFlow({ journal })`). With it the
   * server lists the journal's runs on start: unfinished ones are resumed, and their streams (and
   * those of recent finished runs) are served again from sequence 0, so readers resume with their
   * cursors after a restart.
   */
  readonly journal?: Journal;
  /** A bearer token every request must carry (`Authorization: Bearer <token>`); 401 otherwise. */
  readonly token?: string;
  /** Called for every request (after the token check); see `AuthorizeResult`. */
  readonly authorize?: (request: Request) => AuthorizeResult | Promise<AuthorizeResult>;
  /** CORS; off by default (no CORS headers: browsers allow same-origin only). */
  readonly cors?: CorsOptions;
  readonly limits?: ServerLimits;
  /** Finished runs kept in memory, oldest dropped first. Default 1,000. */
  readonly retention?: number;
  /** Milliseconds of silence before an SSE stream gets a `: heartbeat` comment. Default 25,000 (the reference's). */
  readonly heartbeatMs?: number;
  /**
   * The HTTP status of a failed or cancelled run on `/run`, `/handlers/{id}` and `/results/{id}`.
   * 500 (the default) is the reference's, which its clients branch on; 200 keeps 5xx for server faults.
   */
  readonly failedRunStatus?: 500 | 200;
  /**
   * A run request with a `handler_id` the server already has. `"new-run"` (the default, the
   * reference's rule): 409 while that run is going, else a new run under the same id in its context.
   * `"idempotent"`: the existing run's handler, nothing started, so a client can retry a start safely.
   */
  readonly handlerIds?: "new-run" | "idempotent";
  /**
   * Live `StepStateChanged` and `WorkflowIdleEvent` events for `include_internal=true` streams: a
   * `StepEvents` whose `options` the workflows were constructed with
   * (`new DemoFlow({ ...steps.options })`).
   */
  readonly stepEvents?: StepEvents;
}
