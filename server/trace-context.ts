// A run started by a request that carries a W3C `traceparent` header starts inside that trace
// context, so tracing (flowspec/otel, or any OpenTelemetry hook) makes the run's span its child.
// OpenTelemetry is an optional peer: without `@opentelemetry/api` installed, the header is ignored.
// The header is read here (not through a registered propagator), so it works with any SDK setup.

type Api = typeof import("@opentelemetry/api");

let api: Promise<Api | null> | undefined;

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Runs `start` inside the trace context the request's `traceparent` names, when there is a valid one
 * and OpenTelemetry is installed. Its value comes back boxed: a run's handler is a thenable, and an
 * async function would otherwise resolve to the run's result.
 */
export async function withRequestTrace<T>(request: Request, start: () => T): Promise<{ readonly value: T }> {
  const m = TRACEPARENT.exec(request.headers.get("traceparent")?.trim() ?? "");
  if (m === null || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return { value: start() };
  const otel = await (api ??= import("@opentelemetry/api").catch(() => null));
  if (otel === null) return { value: start() };
  const parent = otel.trace.setSpanContext(otel.ROOT_CONTEXT, { traceId: m[1]!, spanId: m[2]!, traceFlags: Number.parseInt(m[3]!, 16), isRemote: true });
  return { value: otel.context.with(parent, start) };
}
