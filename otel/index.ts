// flowspec/otel: OpenTelemetry traces of workflow runs. A span per run (per process that runs it),
// and a child span per step attempt, with the attempt number, the events in and out, and errors.
// It plugs into a workflow through the runtime's public hooks (`aroundStep`, `onTick`), so it works
// on every runtime: in memory, on a journal and on DBOS workers.
//
//   import { tracing } from "flowspec/otel";
//   const flow = new JokeFlow({ ...tracing(), journal, resources });
//
// A run resumed in another process (after a crash, on another DBOS worker) continues the same
// trace: the first attempt of a run stores the run span's context in the run's store
// (`otel.traceparent`, journaled with the run), and a resumed run's span is its child.

import { context, trace, SpanStatusCode, TraceFlags, type Context, type Span, type SpanContext, type Tracer } from "@opentelemetry/api";
import type { Event, EventClass, StepHook, TickSink } from "../runtime/index.js";

/** The store key under which a run keeps its trace parent (W3C `traceparent`). */
export const TRACEPARENT_KEY = "otel.traceparent";

export interface TracingOptions {
  /** Default: `trace.getTracer("flowspec")` from the global tracer provider. */
  readonly tracer?: Tracer;
}

/** What to spread into a workflow's options. */
export interface TracingHooks {
  readonly aroundStep: StepHook;
  readonly onTick: TickSink;
}

interface RunTrace {
  /** The run's span in this process; null for a resumed run until its first attempt reads its parent. */
  span: Span | null;
  readonly workflow: string;
  readonly resumed: boolean;
}

const typeOf = (ev: unknown): string | null => {
  const cls = (ev as { constructor?: Partial<EventClass> } | null | undefined)?.constructor;
  return typeof cls?.typeName === "string" ? cls.typeName : null;
};

/** A span context as a W3C `traceparent` header value. */
export function traceparentOf(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & TraceFlags.SAMPLED) !== 0 ? "01" : "00"}`;
}

/** The remote span context a `traceparent` value names, or undefined when it is not one. */
export function parseTraceparent(value: unknown): SpanContext | undefined {
  const m = typeof value === "string" ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value) : null;
  if (m === null || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: Number.parseInt(m[3]!, 16), isRemote: true };
}

/**
 * Tracing hooks for a workflow's options: `new JokeFlow({ ...tracing(), resources })`. The run span
 * of a new run is a child of the span active where `run()` is called (an HTTP request's, say).
 */
export function tracing(options: TracingOptions = {}): TracingHooks {
  const tracer = options.tracer ?? trace.getTracer("flowspec");
  const runs = new Map<string, RunTrace>();

  const startRun = (runId: string, run: RunTrace, parent: Context): void => {
    run.span = tracer.startSpan(run.resumed ? `${run.workflow} (resumed)` : run.workflow, { attributes: { "flowspec.workflow": run.workflow, "flowspec.run_id": runId, "flowspec.resumed": run.resumed } }, parent);
  };

  const endRun = (runId: string, error: { name: string; message: string } | null, status?: string): void => {
    const run = runs.get(runId);
    runs.delete(runId);
    const span = run?.span;
    if (span === null || span === undefined) return;
    if (status !== undefined) span.setAttribute("flowspec.status", status);
    if (error !== null) {
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    } else span.setStatus({ code: SpanStatusCode.OK });
    span.end();
  };

  const onTick: TickSink = (tick, { workflow, runId }) => {
    if (runId === null) return;
    switch (tick.type) {
      case "run_started": {
        const run: RunTrace = { span: null, workflow, resumed: false };
        runs.set(runId, run);
        startRun(runId, run, context.active());
        return;
      }
      case "run_resumed":
        runs.set(runId, { span: null, workflow, resumed: true }); // its parent is in its store: read at its first attempt
        return;
      case "attempt_succeeded":
        if (tick.result !== null && (tick.result.constructor as EventClass).kind === "stop") endRun(runId, null, "completed");
        return;
      case "run_failed":
        return endRun(runId, tick.error, "failed");
      case "timed_out":
        return endRun(runId, { name: "WorkflowTimeoutError", message: `timed out after ${tick.timeout}s` }, "timed_out");
      case "cancelled":
        return endRun(runId, { name: "WorkflowCancelledError", message: "cancelled" }, "cancelled");
      default:
        return;
    }
  };

  const aroundStep: StepHook = ({ workflow, step, event, attempt, ctx }, body) => {
    const runId = ctx.runId;
    let run = runs.get(runId);
    if (run === undefined) runs.set(runId, (run = { span: null, workflow, resumed: true })); // a run this hook never saw start
    const stored = parseTraceparent(ctx.store.get(TRACEPARENT_KEY, null));
    if (run.span === null) startRun(runId, run, stored === undefined ? context.active() : trace.setSpanContext(context.active(), stored));
    if (stored === undefined) ctx.store.set(TRACEPARENT_KEY, traceparentOf(run.span!.spanContext()));
    const attributes = { "flowspec.workflow": workflow, "flowspec.step": step, "flowspec.run_id": runId, "flowspec.attempt": attempt, "flowspec.event": typeOf(event as Event) ?? "" };
    return tracer.startActiveSpan(`${workflow}.${step}`, { attributes }, trace.setSpan(context.active(), run.span!), async (span) => {
      try {
        const result = await body();
        const output = typeOf(result);
        if (output !== null) span.setAttribute("flowspec.output_event", output);
        span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    });
  };

  return { aroundStep, onTick };
}
