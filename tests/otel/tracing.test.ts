// flowspec/otel: a span per run and a child span per step attempt, through the runtime's public
// hooks; retries and errors recorded on the attempt spans; a run resumed by another workflow
// instance (another process, after a crash) continues the same trace; the run span of a new run is
// a child of the span active where run() is called.

import { context, ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryJournal } from "flowspec/runtime";
import { tracing, TRACEPARENT_KEY } from "../../otel/index.js";
import { InstantJokeFlow, noLlm } from "../support/joke-flow.js";

/** A tracer whose finished spans are kept in memory. */
function recorder() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracer: provider.getTracer("test"), spans: () => exporter.getFinishedSpans() };
}

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

beforeAll(() => void context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
afterAll(() => void context.disable());

describe("flowspec/otel", () => {
  it("a span per run and a child span per step attempt, with the events in and out", async () => {
    const { tracer, spans } = recorder();
    const flow = new InstantJokeFlow({ ...tracing({ tracer }), resources: { llm: noLlm } });
    await flow.run({ topic: "owls" }, { runId: "r1" });
    const [run, ...steps] = [spans().find((s) => s.name === "JokeFlow")!, ...spans().filter((s) => s.name !== "JokeFlow")];
    expect(run.attributes).toMatchObject({ "flowspec.workflow": "JokeFlow", "flowspec.run_id": "r1", "flowspec.status": "completed" });
    expect(run.status.code).toBe(SpanStatusCode.OK);
    expect(steps.map((s) => [s.name, s.attributes["flowspec.attempt"], s.attributes["flowspec.event"], s.attributes["flowspec.output_event"]])).toEqual([
      ["JokeFlow.generate_joke", 1, "JokeRequested", "JokeWritten"],
      ["JokeFlow.critique_joke", 1, "JokeWritten", "CritiqueReady"],
    ]);
    for (const s of steps) {
      expect(s.spanContext().traceId).toBe(run.spanContext().traceId);
      expect(parentOf(s)).toBe(run.spanContext().spanId);
    }
  });

  it("each retry is a span of its own; a failed attempt records its error", async () => {
    const { tracer, spans } = recorder();
    let calls = 0;
    class Flaky extends InstantJokeFlow {
      override async generateJoke(ev: Parameters<InstantJokeFlow["generateJoke"]>[0], ctx: Parameters<InstantJokeFlow["generateJoke"]>[1]) {
        if (++calls === 1) throw new Error("model overloaded");
        return super.generateJoke(ev, ctx);
      }
    }
    // generate_joke retries (attempts: 3, delay 0.5 s in the spec); a short run timeout is not needed.
    await new Flaky({ ...tracing({ tracer }), resources: { llm: noLlm } }).run({ topic: "owls" });
    const attempts = spans().filter((s) => s.name === "JokeFlow.generate_joke");
    expect(attempts.map((s) => [s.attributes["flowspec.attempt"], s.status.code])).toEqual([
      [1, SpanStatusCode.ERROR],
      [2, SpanStatusCode.OK],
    ]);
    expect(attempts[0]!.events.map((e) => e.name)).toEqual(["exception"]);
    expect(attempts[0]!.status.message).toBe("model overloaded");
  });

  it("a run resumed by another instance (another process) continues the same trace, under the first run span", async () => {
    const journal = new MemoryJournal();
    const first = recorder();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    class Slow extends InstantJokeFlow {
      override async critiqueJoke(ev: Parameters<InstantJokeFlow["critiqueJoke"]>[0]) {
        await held;
        return super.critiqueJoke(ev);
      }
    }
    const a = new Slow({ ...tracing({ tracer: first.tracer }), journal, resources: { llm: noLlm } });
    const handler = a.run({ topic: "owls" }, { runId: "r2" });
    while (journal.getRun("r2")?.status !== "running" || !(await handler.store())[TRACEPARENT_KEY]) await new Promise((r) => setTimeout(r, 5));
    handler.cancel(); // this process lets go of the run, its critique in flight (as a crash would)
    await handler.then(() => undefined, () => undefined);
    const firstRun = first.spans().find((s) => s.name === "JokeFlow")!;

    release();
    const second = recorder();
    const b = new Slow({ ...tracing({ tracer: second.tracer }), journal, resources: { llm: noLlm } });
    await b.resume("r2");
    const resumed = second.spans().find((s) => s.name === "JokeFlow (resumed)")!;
    expect(resumed.spanContext().traceId).toBe(firstRun.spanContext().traceId);
    expect(parentOf(resumed)).toBe(firstRun.spanContext().spanId);
    const critique = second.spans().find((s) => s.name === "JokeFlow.critique_joke")!;
    expect(parentOf(critique)).toBe(resumed.spanContext().spanId);
    expect(resumed.attributes).toMatchObject({ "flowspec.resumed": true, "flowspec.status": "completed" });
  });

  it("a new run's span is a child of the span active where run() is called (an HTTP request's, say)", async () => {
    const { tracer, spans } = recorder();
    const flow = new InstantJokeFlow({ ...tracing({ tracer }), resources: { llm: noLlm } });
    const remote = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: 1, isRemote: true };
    await context.with(trace.setSpanContext(ROOT_CONTEXT, remote), () => flow.run({ topic: "owls" }, { runId: "r3" }));
    const run = spans().find((s) => s.name === "JokeFlow")!;
    expect(run.spanContext().traceId).toBe(remote.traceId);
    expect(parentOf(run)).toBe(remote.spanId);
  });
});

describe("flowspec/server with flowspec/otel", () => {
  it("a traceparent header on the run route becomes the run's parent", async () => {
    const { createServer } = await import("../../server/index.js");
    const { tracer, spans } = recorder();
    const server = createServer({ workflows: { joke: new InstantJokeFlow({ ...tracing({ tracer }), resources: { llm: noLlm } }) } });
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const started = await server.fetch(new Request("http://x/workflows/joke/run", { method: "POST", headers: { "content-type": "application/json", traceparent }, body: JSON.stringify({ start_event: { topic: "owls" } }) }));
    expect(started.status).toBe(200);
    const run = spans().find((s) => s.name === "JokeFlow")!;
    expect(run.spanContext().traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(parentOf(run)).toBe("00f067aa0ba902b7");
    // A malformed header is ignored: the run starts its own trace.
    await server.fetch(new Request("http://x/workflows/joke/run", { method: "POST", headers: { "content-type": "application/json", traceparent: "00-nope" }, body: JSON.stringify({ start_event: { topic: "owls" } }) }));
    const second = spans().filter((s) => s.name === "JokeFlow")[1]!;
    expect(second.spanContext().traceId).not.toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(parentOf(second)).toBeUndefined();
  });
});
