// flowspec/client: a small typed HTTP client for workflows served by flowspec/server (or any server
// speaking LlamaIndex's workflow-server protocol). It imports nothing and uses only web APIs
// (fetch, streams, TextDecoder), so it bundles for the browser. `flowspec build --client` writes a
// typed `create<Workflow>Client` per spec on top of it; see docs/server.md.

/** Connection options. */
export interface ClientOptions {
  /** The server's origin (and path prefix, if mounted under one): `http://127.0.0.1:8000`. */
  readonly baseUrl: string;
  /** The name the workflow is served under (`/workflows/{name}`). Generated clients default it to the spec's file name. */
  readonly name?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A fetch of your own (default: the global one). */
  readonly fetch?: typeof fetch;
}

/** An event on the wire: its type, its fields, and its sequence number in the run's stream. */
export type StreamEvent<Events> = {
  [K in keyof Events & string]: { readonly type: K; readonly value: Events[K]; readonly sequence: number; readonly types: readonly string[] | null };
}[keyof Events & string];

/** What ends a run that does not end with one of its stop events. */
export type RunEndedEvent =
  | { readonly type: "WorkflowFailedEvent"; readonly value: { readonly step_name: string | null; readonly exception: { readonly exception_type: string; readonly exception_message: string } }; readonly sequence: number; readonly types: readonly string[] | null }
  | { readonly type: "WorkflowCancelledEvent"; readonly value: Record<string, never>; readonly sequence: number; readonly types: readonly string[] | null }
  | { readonly type: "WorkflowTimedOutEvent"; readonly value: { readonly timeout: number | null; readonly active_steps: readonly string[] }; readonly sequence: number; readonly types: readonly string[] | null };

/** An event to send: `{ type, value }`, one of the events the run accepts. */
export type SendEvent<Sends> = { [K in keyof Sends & string]: { readonly type: K; readonly value: Sends[K] } }[keyof Sends & string];

/** The server's handler object. `result` is the stop event the run ended with. */
export interface Handler<Results> {
  readonly handler_id: string;
  readonly workflow_name: string;
  readonly run_id: string;
  readonly error: string | null;
  readonly result: { readonly [K in keyof Results & string]: { readonly type: K; readonly value: Results[K]; readonly qualified_name: string | null; readonly types: readonly string[] | null } }[keyof Results & string] | null;
  readonly status: "running" | "completed" | "failed" | "cancelled";
  readonly started_at: string;
  readonly updated_at: string;
  readonly completed_at: string | null;
}

/** A refusal from the server: its status, its `detail`, and the request field at fault. */
export class WorkflowClientError extends Error {
  override readonly name = "WorkflowClientError";
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly field: string | undefined,
    readonly body: unknown,
  ) {
    super(`${status}: ${detail}`);
  }
}

/** A typed client for one served workflow. */
export interface WorkflowClient<Start, Events, Sends, Results> {
  /** Starts a run (`run-nowait`); resolves with its handler, `status: "running"`. */
  run(input: Start, options?: { readonly handlerId?: string }): Promise<Handler<Results>>;
  /** Starts a run and waits for it (`run`); resolves with the final handler, failed or cancelled runs included. */
  runAndWait(input: Start, options?: { readonly handlerId?: string }): Promise<Handler<Results>>;
  /** The run's handler, wherever it stands. */
  get(handlerId: string): Promise<Handler<Results>>;
  /**
   * The run's events from sequence `from` (default 0; `"now"` for only new ones), until its stop event
   * (or the event that ended it). Reconnects on a dropped connection, resuming after the last event
   * received, so nothing is seen twice or missed.
   */
  events(handlerId: string, options?: { readonly from?: number | "now"; readonly signal?: AbortSignal }): AsyncGenerator<StreamEvent<Events> | RunEndedEvent, void, undefined>;
  /** Sends an event the run accepts (`step` to address one step). */
  send(handlerId: string, event: SendEvent<Sends>, options?: { readonly step?: string }): Promise<void>;
  /** Cancels the run (`purge`: also forget it on the server). */
  cancel(handlerId: string, options?: { readonly purge?: boolean }): Promise<"cancelled" | "deleted">;
}

const RECONNECTS = 3;

/**
 * A client for the workflow served as `options.name`.
 *
 * @example
 * ```ts
 * const joke = createWorkflowClient<{ topic: string }, { JokeProgress: { message: string } }, {}, { CritiqueReady: { joke: string } }>({ baseUrl: "http://127.0.0.1:8000", name: "joke" });
 * const { handler_id } = await joke.run({ topic: "pirates" });
 * for await (const ev of joke.events(handler_id)) console.log(ev.type, ev.value);
 * ```
 */
export function createWorkflowClient<Start, Events, Sends, Results>(options: ClientOptions & { readonly name: string }): WorkflowClient<Start, Events, Sends, Results> {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch: (url: string, init?: RequestInit) => Promise<Response> = options.fetch ?? ((url, init) => fetch(url, init));
  const headers = (extra?: Record<string, string>): Record<string, string> => ({
    ...options.headers,
    ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    ...extra,
  });
  const id = (handlerId: string) => encodeURIComponent(handlerId);

  async function call<T>(method: "GET" | "POST", path: string, body?: unknown, ok: readonly number[] = [200]): Promise<T> {
    const response = await doFetch(`${base}${path}`, {
      method,
      headers: headers(body === undefined ? undefined : { "content-type": "application/json" }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    // A failed or cancelled run answers 500 with its handler (the reference's rule): that is an answer, not an error.
    const isHandler = typeof parsed === "object" && parsed !== null && "handler_id" in parsed && "status" in parsed;
    if (ok.includes(response.status) || (isHandler && (response.status === 202 || response.status === 500))) return parsed as T;
    const detail = typeof parsed === "object" && parsed !== null && "detail" in parsed ? String((parsed as { detail: unknown }).detail) : response.statusText;
    const field = typeof parsed === "object" && parsed !== null && "field" in parsed ? String((parsed as { field: unknown }).field) : undefined;
    throw new WorkflowClientError(response.status, detail, field, parsed);
  }

  const start = (path: string, input: Start, o?: { readonly handlerId?: string }) =>
    call<Handler<Results>>("POST", `/workflows/${encodeURIComponent(options.name)}/${path}`, { start_event: input ?? {}, ...(o?.handlerId === undefined ? {} : { handler_id: o.handlerId }) });

  async function* events(handlerId: string, o: { readonly from?: number | "now"; readonly signal?: AbortSignal } = {}): AsyncGenerator<StreamEvent<Events> | RunEndedEvent, void, undefined> {
    let after: string = o.from === "now" ? "now" : String((o.from ?? 0) - 1);
    let failures = 0;
    for (;;) {
      let response: Response;
      try {
        response = await doFetch(`${base}/events/${id(handlerId)}?sse=true&after_sequence=${after}`, { headers: headers({ accept: "text/event-stream" }), ...(o.signal ? { signal: o.signal } : {}) });
      } catch (error) {
        if (o.signal?.aborted || ++failures > RECONNECTS) throw error;
        continue;
      }
      if (response.status === 204) return;
      if (!response.ok || response.body === null) {
        const text = await response.text();
        let parsed: { detail?: string; field?: string } | undefined;
        try {
          parsed = JSON.parse(text) as { detail?: string; field?: string };
        } catch {
          parsed = undefined;
        }
        throw new WorkflowClientError(response.status, parsed?.detail ?? response.statusText, parsed?.field, parsed ?? text);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return; // the server ends the stream after the terminal event
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let seq: number | undefined;
            let data: string | undefined;
            for (const line of frame.split("\n")) {
              if (line.startsWith("id:")) seq = Number(line.slice(3).trim());
              else if (line.startsWith("data:")) data = line.slice(5).trimStart();
            }
            if (data === undefined || seq === undefined) continue; // a heartbeat
            const env = JSON.parse(data) as { type: string; value: unknown; types: string[] | null };
            after = String(seq);
            failures = 0;
            yield { type: env.type, value: env.value, sequence: seq, types: env.types } as StreamEvent<Events> | RunEndedEvent;
            if (env.type === "StopEvent" || env.types?.includes("StopEvent")) return;
          }
        }
      } catch (error) {
        if (o.signal?.aborted || ++failures > RECONNECTS) throw error;
      } finally {
        reader.cancel().catch(() => {});
      }
    }
  }

  return {
    run: (input, o) => start("run-nowait", input, o),
    runAndWait: (input, o) => start("run", input, o),
    get: (handlerId) => call<Handler<Results>>("GET", `/handlers/${id(handlerId)}`),
    events,
    send: async (handlerId, event, o) => {
      await call("POST", `/events/${id(handlerId)}`, { event: { type: event.type, value: event.value }, ...(o?.step === undefined ? {} : { step: o.step }) });
    },
    cancel: async (handlerId, o) => (await call<{ status: "cancelled" | "deleted" }>("POST", `/handlers/${id(handlerId)}/cancel${o?.purge ? "?purge=true" : ""}`)).status,
  };
}
