// createServer: the routes of LlamaIndex's workflow server over flowspec workflows, as a
// web-standard fetch handler (Hono), plus a Node listen().

import { Hono, type Context as HonoContext } from "hono";
import { cors } from "hono/cors";
import type { WorkflowHandler } from "../runtime/index.js";
import { isFinishedRefusal, workflowInfo } from "../runtime/backend.js";
import { checkAccess } from "./auth.js";
import { readJsonObject } from "./body.js";
import { ClientError, json, notFound } from "./errors.js";
import { BUILT_IN_MODULE } from "./envelope.js";
import { HANDLER_ID, newHandlerId } from "./ids.js";
import { listen, type ListenOptions, type ListeningServer } from "./listen.js";
import { openApiDocument } from "./openapi.js";
import type { CorsOptions, ServerOptions } from "./options.js";
import { loadRemoteRun, loadRun, restoreRuns, runsOf, type SkippedRun } from "./restore.js";
import { RunTable, ServedRun, type HandlerStatus } from "./runs.js";
import { ReaderGate, streamQuery, streamResponse } from "./stream.js";
import { sentEvent, startInput } from "./event-input.js";
import { representation } from "./representation.js";
import { withRequestTrace } from "./trace-context.js";
import { eventSchema, serveWorkflow, startStopSchemas, type ServedWorkflow } from "./workflows.js";

/** What `createServer` returns. */
export interface FlowspecServer {
  /** The web-standard handler: mount it in any framework that speaks `Request`/`Response`. */
  fetch(request: Request): Promise<Response>;
  /** Serves on Node's HTTP server; binds 127.0.0.1:8000 unless told otherwise. */
  listen(options?: ListenOptions): Promise<ListeningServer>;
  /** Resolves once the journal's runs are loaded (requests wait for it too). */
  readonly ready: Promise<void>;
  /** Journal runs that could not be resumed on start (another version of the spec, another owner, …). */
  readonly skipped: readonly SkippedRun[];
}

const DEFAULTS = { bodyBytes: 1 << 20, streams: 10_000, retention: 1000, heartbeatMs: 25_000 };

function corsMiddleware(options: CorsOptions) {
  if (options.credentials && (options.origin === "*" || (Array.isArray(options.origin) && options.origin.includes("*")))) {
    throw new TypeError("createServer: cors.origin \"*\" with credentials would let any site act as the user; list the origins instead");
  }
  const allowed = options.origin;
  const origin =
    typeof allowed === "function"
      ? (o: string) => (allowed(o) ? o : null)
      : typeof allowed === "string"
        ? allowed
        : [...(allowed as readonly string[])];
  return cors({
    origin,
    credentials: options.credentials ?? false,
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["content-type", "authorization", "last-event-id"],
    maxAge: options.maxAge ?? 600,
  });
}

/**
 * Serves workflows over HTTP with the wire protocol of LlamaIndex's workflow server.
 *
 * @example
 * ```ts
 * import { createServer } from "flowspec/server";
 * const server = createServer({ workflows: { joke: new JokeFlow({ resources: { llm: () => llm } }) } });
 * await server.listen({ port: 8000 });          // or: export default { fetch: server.fetch }
 * ```
 */
export function createServer(options: ServerOptions): FlowspecServer {
  const served = new Map<string, ServedWorkflow>();
  for (const [name, flow] of Object.entries(options.workflows)) served.set(name, serveWorkflow(name, flow));
  const bodyBytes = options.limits?.bodyBytes ?? DEFAULTS.bodyBytes;
  const heartbeatMs = options.heartbeatMs ?? DEFAULTS.heartbeatMs;
  const failedStatus = options.failedRunStatus ?? 500;
  const runs = new RunTable(options.retention ?? DEFAULTS.retention);
  const gate = new ReaderGate(options.limits?.streams ?? DEFAULTS.streams);
  const skipped: SkippedRun[] = [];
  const ready = options.journal === undefined ? Promise.resolve() : restoreRuns(options.journal, served, runs, options.retention ?? DEFAULTS.retention, skipped);
  const app = new Hono();

  const workflow = (c: HonoContext): ServedWorkflow => {
    const w = served.get(c.req.param("name") ?? "");
    if (w === undefined) throw notFound("Workflow");
    return w;
  };
  const purged = new Set<string>();
  /**
   * A handler in memory, else (on a journal) its latest run loaded from the journal, else (a
   * workflow whose runs live elsewhere, on DBOS) the run attached to from this process.
   */
  const lookup = async (handlerId: string): Promise<ServedRun | undefined> => {
    const r = runs.get(handlerId);
    if (r !== undefined || purged.has(handlerId)) return r;
    if (options.journal === undefined) return loadRemoteRun(served, runs, handlerId);
    try {
      return await loadRun(options.journal, served, runs, handlerId);
    } catch {
      return undefined; // another version of the spec, another live owner: not servable here
    }
  };
  const run = async (c: HonoContext): Promise<ServedRun> => {
    const r = await lookup(c.req.param("id") ?? "");
    if (r === undefined) throw notFound("Handler");
    return r;
  };
  const statusOf = (status: HandlerStatus) => (status === "running" ? 202 : status === "completed" ? 200 : failedStatus);

  app.onError((error) => (error instanceof ClientError ? json(error.body(), error.status) : json({ detail: "Internal Server Error" }, 500)));
  app.notFound(() => json({ detail: "Not Found" }, 404));
  if (options.cors !== undefined) app.use("*", corsMiddleware(options.cors));
  app.use("*", async (c, next) => {
    const refusal = await checkAccess(c.req.raw, options);
    if (refusal instanceof Response) return refusal;
    if (refusal !== null) return json(refusal.body(), refusal.status, refusal.status === 401 ? { "www-authenticate": 'Bearer realm="flowspec"' } : undefined);
    await ready;
    await next();
  });

  app.get("/", () => new Response(INDEX_HTML, { headers: { "content-type": "text/html; charset=utf-8" } }));
  app.get("/health", () => json({ status: "healthy" }));
  let openapi: string | undefined; // the specs do not change while the server runs: built once
  app.get("/openapi.json", () => new Response((openapi ??= JSON.stringify(openApiDocument(served))), { headers: { "content-type": "application/json" } }));
  app.get("/workflows", () => json({ workflows: [...served.keys()] }));
  app.get("/workflows/:name/schema", (c) => json(startStopSchemas(workflow(c))));
  app.get("/workflows/:name/events", (c) => json({ events: [...workflow(c).events.values()].map(eventSchema) }));
  app.get("/workflows/:name/representation", (c) => json(representation(workflow(c))));

  const start = async (c: HonoContext): Promise<ServedRun> => {
    const w = workflow(c);
    const body = await readJsonObject(c.req.raw, bodyBytes);
    if (body.context !== undefined && body.context !== null && !(typeof body.context === "object" && Object.keys(body.context).length === 0)) {
      throw new ClientError(400, "Context API is disabled: this server does not take a serialized context", "context");
    }
    const input = startInput(w, body);
    let handlerId = newHandlerId();
    let runId = handlerId;
    let previous: ServedRun | undefined;
    if (body.handler_id !== undefined && body.handler_id !== null) {
      if (typeof body.handler_id !== "string" || !HANDLER_ID.test(body.handler_id)) {
        throw new ClientError(400, "handler_id must be 1-128 characters of A-Z, a-z, 0-9, _ and -", "handler_id");
      }
      handlerId = body.handler_id;
      previous = await lookup(handlerId);
      if (previous !== undefined && options.handlerIds === "idempotent") {
        if (previous.workflow !== w) throw new ClientError(409, `Handler '${handlerId}' is a run of ${previous.workflow.name}`, "handler_id");
        return previous; // the same request again: the run it started, not a new one
      }
      if (previous !== undefined && !previous.ended) throw new ClientError(409, `Handler '${handlerId}' is already running`, "handler_id");
      runId = previous === undefined ? handlerId : nextRunId(handlerId, previous.runId);
    }
    if (options.journal?.getRun(runId) !== undefined) throw new ClientError(409, `Handler id '${handlerId}' was already used by run '${runId}'`, "handler_id");
    // A reused handler id starts a new run in the old run's context (its store and state), as the reference does.
    const ctx = previous !== undefined && previous.workflow === w ? previous.handler.ctx : undefined;
    const now = Date.now();
    const handler: WorkflowHandler<any, any, any> = (await withRequestTrace(c.req.raw, () => w.flow.run(input, ctx === undefined ? { runId } : { runId, ctx }))).value;
    // A run that lives elsewhere (DBOS) is stored asynchronously: answer once every server process can
    // find it. (A failed start shows as the run's failure, below.)
    if (workflowInfo(w.flow).remote) await handler.state().catch(() => undefined);
    // On a journal, the run's own start time, which is what a restarted server reads back.
    const startedAt = options.journal?.getRun(runId)?.createdAt ?? now;
    const journal = options.journal;
    const finishedAt = journal === undefined ? undefined : () => journal.getRun(runId)?.updatedAt;
    const r = new ServedRun(handlerId, w, handler, startedAt, handler.streamEvents(), finishedAt);
    runs.add(r);
    return r;
  };

  app.post("/workflows/:name/run", async (c) => {
    const r = await start(c);
    await r.settled;
    return json(r.toJSON(), r.status === "completed" ? 200 : failedStatus);
  });
  app.post("/workflows/:name/run-nowait", async (c) => json((await start(c)).toJSON()));

  app.get("/handlers", (c) => {
    const statuses = c.req.queries("status");
    const names = c.req.queries("workflow_name");
    const list = runs.all().filter((r) => (statuses === undefined || statuses.includes(r.status)) && (names === undefined || names.includes(r.workflow.name)));
    return json({ handlers: list.map((r) => r.toJSON()) });
  });
  app.get("/handlers/:id", async (c) => {
    const r = await run(c);
    return json(r.toJSON(), statusOf(r.status));
  });
  app.get("/results/:id", async (c) => {
    const r = await run(c);
    const h = r.toJSON();
    const result = h.result === null ? null : h.result.qualified_name === `${BUILT_IN_MODULE}.StopEvent` ? (h.result.value as { result?: unknown }).result ?? null : h.result.value;
    return json({ ...h, result }, statusOf(r.status));
  });
  app.post("/handlers/:id/cancel", async (c) => {
    const r = await run(c);
    const purge = (c.req.query("purge") ?? "").toLowerCase() === "true";
    if (!r.ended) {
      r.handler.cancel();
      await r.settled;
    } else if (!purge) throw notFound("Handler"); // the reference's answer for a finished run
    if (purge) {
      runs.delete(r.handlerId);
      if (options.journal !== undefined) {
        // Every run of the handler goes from the journal too (they have all ended by now), so no restart serves it again.
        purged.add(r.handlerId);
        options.journal.purge({ before: Number.MAX_SAFE_INTEGER, runIds: runsOf(options.journal, r.handlerId).map((run) => run.runId) });
      }
      return json({ status: "deleted" });
    }
    return json({ status: "cancelled" });
  });

  app.get("/events/:id", async (c) => {
    const r = await run(c);
    const response = streamResponse(r, streamQuery(new URL(c.req.url), c.req.header("last-event-id") ?? null), heartbeatMs, gate, options.stepEvents);
    return response ?? new Response(null, { status: 204, headers: { "content-type": "application/json" } });
  });
  app.post("/events/:id", async (c) => {
    const r = await run(c);
    const body = await readJsonObject(c.req.raw, bodyBytes);
    if (r.ended) throw new ClientError(409, "Workflow already completed");
    const { cls, fields } = sentEvent(r.workflow, body);
    if (body.step !== undefined && body.step !== null && typeof body.step !== "string") throw new ClientError(400, "step must be a step name", "step");
    const step = typeof body.step === "string" && body.step !== "" ? body.step : undefined;
    if (step !== undefined && !r.workflow.definition.steps.some((s) => s.name === step || s.method === step)) {
      throw new ClientError(400, `Unknown step '${step}'; ${r.workflow.name} has ${r.workflow.definition.steps.map((s) => s.name).join(", ")}`, "step");
    }
    try {
      // Awaited: on a runtime that runs it elsewhere (DBOS) the refusal of a finished run arrives as a rejection.
      await r.handler.ctx.sendEvent(new cls(fields), step === undefined ? undefined : { step });
    } catch (error) {
      if (r.handler.done || r.ended || isFinishedRefusal(error)) throw new ClientError(409, "Workflow already completed");
      throw new ClientError(400, (error as Error).message, step === undefined ? "event" : "step", { accepted: r.workflow.sendable });
    }
    return json({ status: "sent" });
  });

  const fetch = async (request: Request): Promise<Response> => app.fetch(request);
  return { fetch, listen: (o) => listen(fetch, o), ready, skipped };
}

/** The run id of a reused handler id's next run: `<id>.2`, `<id>.3`, … (a journal keeps every run). */
function nextRunId(handlerId: string, previous: string): string {
  const m = /\.(\d+)$/.exec(previous);
  return `${handlerId}.${m === null ? 2 : Number(m[1]) + 1}`;
}

const INDEX_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>flowspec server</title></head>
<body><h1>flowspec server</h1><p>Workflows: <a href="workflows">/workflows</a>. API: <a href="openapi.json">/openapi.json</a>.</p></body></html>
`;
