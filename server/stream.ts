// GET /events/{id}: a run's log as Server-Sent Events or NDJSON, from a cursor.
//
// SSE framing is the reference's: `id: <seq>` then one `data: <envelope>` line and a blank line;
// no `event:` or `retry:` lines (EventSource would route named events away from `message`);
// `: heartbeat` after `heartbeatMs` idle; the response ends after the terminal event. NDJSON is
// one envelope per line; unlike the reference's, each line also carries `"sequence"`, so an NDJSON
// reader can resume too.

import { ClientError } from "./errors.js";
import { isTerminal, type Envelope } from "./envelope.js";
import type { ServedRun } from "./runs.js";
import type { StepEvents } from "./step-events.js";

export interface StreamQuery {
  readonly sse: boolean;
  /** The last sequence number the reader has: -1 for everything, `now` for only what comes next. */
  readonly after: number | "now";
  readonly includeQualifiedName: boolean;
  /** Also the live internal events (`StepStateChanged`, `WorkflowIdleEvent`), when the server has `stepEvents`. */
  readonly internal: boolean;
}

function flag(value: string | undefined, name: string, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  const v = value.toLowerCase();
  if (v === "true" || v === "1" || v === "yes") return true;
  if (v === "false" || v === "0" || v === "no") return false;
  throw new ClientError(400, `Invalid ${name}: '${value}' (true or false)`, name);
}

function cursor(value: string, name: string): number | "now" {
  if (name === "after_sequence" && value === "now") return "now";
  if (!/^-?\d{1,15}$/.test(value) || Number(value) < -1) throw new ClientError(400, `Invalid ${name}: '${value}'`, name);
  return Number(value);
}

/** Reads `sse`, `after_sequence` (default `now`, as the reference), `include_qualified_name` and, in SSE mode, `Last-Event-ID`. */
export function streamQuery(url: URL, lastEventId: string | null): StreamQuery {
  const q = url.searchParams;
  const sse = flag(q.get("sse") ?? undefined, "sse", true);
  const internal = flag(q.get("include_internal") ?? undefined, "include_internal", false);
  const includeQualifiedName = flag(q.get("include_qualified_name") ?? undefined, "include_qualified_name", true);
  let after = cursor(q.get("after_sequence") ?? "now", "after_sequence");
  if (sse && lastEventId !== null && lastEventId.trim() !== "") after = cursor(lastEventId.trim(), "Last-Event-ID");
  return { sse, after, includeQualifiedName, internal };
}

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(": heartbeat\n\n");

/** Counts open streams against a limit. */
export class ReaderGate {
  open = 0;
  constructor(readonly limit: number) {}
}

/** The stream response, or null when the run ended and nothing is left after the cursor (the route answers 204). */
export function streamResponse(run: ServedRun, query: StreamQuery, heartbeatMs: number, gate: ReaderGate, steps?: StepEvents): Response | null {
  let next = query.after === "now" ? run.log.length : query.after + 1;
  if (run.ended && next >= run.log.length) return null;
  if (gate.open >= gate.limit) throw new ClientError(503, `Too many open event streams (limit ${gate.limit}); try again later`);
  gate.open++;
  let released = false;
  let waiting: { wake: () => void; cancel: () => void } | null = null;
  // Live internal events, queued for this reader (bounded: the oldest are dropped past 1,000), each
  // with the log length when it happened, so it goes out after the events logged before it.
  const internal: { env: Envelope; at: number }[] = [];
  const unlisten =
    query.internal && steps !== undefined && !run.ended
      ? steps.listen(
          run.runId,
          (env) => {
            if (internal.push({ env, at: run.log.length }) > 1000) internal.shift();
            waiting?.wake();
          },
          () => !run.ended && run.handler.status === "waiting",
        )
      : undefined;
  const release = () => {
    if (!released) (released = true), gate.open--, unlisten?.();
  };
  const frame = (seq: number | null, env: Envelope): string => {
    const out = query.includeQualifiedName ? env : { ...env, qualified_name: null };
    if (!query.sse) return `${JSON.stringify({ ...out, sequence: seq })}\n`;
    return seq === null ? `data: ${JSON.stringify(out)}\n\n` : `id: ${seq}\ndata: ${JSON.stringify(out)}\n\n`;
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (released) return;
        if (internal.length > 0 || next < run.log.length) {
          // In the order they happened: log entries, each internal event after those logged before it.
          let text = "";
          let end = false;
          const logUpTo = (limit: number) => {
            for (; next < limit && !end; next++) {
              text += frame(next, run.log[next]!);
              end = isTerminal(run.log[next]!);
            }
          };
          for (const { env, at } of internal.splice(0)) {
            logUpTo(at);
            if (!end) text += frame(null, env);
          }
          logUpTo(run.log.length);
          controller.enqueue(encoder.encode(text));
          if (end || (run.ended && next >= run.log.length)) {
            release();
            controller.close();
          }
          return;
        }
        if (run.ended) {
          release();
          controller.close();
          return;
        }
        const wait = run.waitForMore(heartbeatMs);
        waiting = wait;
        const more = await wait.promise;
        waiting = null;
        if (released) return;
        if (!more && query.sse) {
          controller.enqueue(HEARTBEAT);
          return;
        }
      }
    },
    cancel() {
      release();
      waiting?.cancel();
    },
  });
  const type = query.sse ? "text/event-stream; charset=utf-8" : "application/x-ndjson";
  return new Response(body, { status: 200, headers: { "content-type": type, "cache-control": "no-cache", "x-accel-buffering": "no" } });
}
