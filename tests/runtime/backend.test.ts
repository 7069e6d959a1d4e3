// A fourth backend, written against flowspec/runtime/backend alone (as docs/backends.md describes):
// a runtime that executes runs in this process through the in-memory runner, records every tick
// with a RunRecorder of its own, holds each step body behind a StepHook, and answers resume() from
// its records. If the documented API could not express this, this file would not compile.

import { describe, expect, it } from "vitest";
import {
  LocalRunner,
  workflowInfo,
  type Event,
  type RunDriver,
  type RunnerRunOptions,
  type RunRecorder,
  type RuntimeBinding,
  type Tick,
  type Workflow,
  type WorkflowHandler,
  type WorkflowRuntime,
} from "flowspec/runtime/backend";
import { InstantJokeFlow as JokeFlow, noLlm as llm } from "../support/joke-flow.js";

/** Records what it sees; publishes stream events and settles at once. */
class ListRecorder implements RunRecorder {
  readonly ticks: string[] = [];
  readonly published: Event[] = [];
  ended = false;
  readonly stream = {
    write: (ev: Event) => void this.published.push(ev),
    end: () => void (this.ended = true),
  };
  constructor(readonly runId: string) {}
  recordTick(tick: Tick): void {
    this.ticks.push(tick.type);
  }
  attemptDue(start: () => void): void {
    start();
  }
  attemptStarted(step: string): void {
    this.ticks.push(`attempt:${step}`);
  }
  writeStream(ev: Event): void {
    this.stream.write(ev);
  }
  recordOutcome(error: Error | null, _result: Event | null, settle: () => void): void {
    this.ticks.push(error === null ? "outcome:result" : `outcome:${error.name}`);
    settle();
  }
  async *streamEvents(): AsyncIterableIterator<Event> {
    yield* this.published;
  }
  settled(): void {
    this.ticks.push("settled");
  }
}

class RecordingRuntime implements WorkflowRuntime {
  readonly recorders = new Map<string, ListRecorder>();
  readonly bodies: string[] = [];

  attach(workflow: Workflow<any, any, any, any, any>, local: LocalRunner): RuntimeBinding {
    const name = workflowInfo(workflow).definition.name;
    const handlers = new Map<string, WorkflowHandler<any, any, any>>();
    return {
      runner: {
        run: (input: unknown, options: RunnerRunOptions) => {
          const handler = local.run(input, options, {
            recorder: (driver: RunDriver) => {
              const recorder = new ListRecorder(driver.runId);
              this.recorders.set(driver.runId, recorder);
              return recorder;
            },
          });
          handlers.set(handler.runId, handler);
          return handler;
        },
        resume: (runId: string) => {
          const handler = handlers.get(runId);
          if (handler === undefined) throw new Error(`${name}: no run ${runId}`);
          return handler;
        },
        resumeAll: async () => Object.assign([...handlers.values()], { skipped: [] }),
      },
      aroundStep: async ({ step, ctx }, body) => {
        this.bodies.push(`${step}@${ctx.runId}`);
        return await body();
      },
    };
  }
}

describe("a backend written against flowspec/runtime/backend", () => {
  it("runs a workflow through its own runner, recorder and step hook", async () => {
    const runtime = new RecordingRuntime();
    const flow = new JokeFlow({ runtime, resources: { llm } });
    const handler = flow.run({ topic: "owls" }, { runId: "r1" });
    expect((await handler).joke).toBe("a joke about owls");
    expect(handler.status).toBe("completed");
    expect(await handler.state()).toEqual({ attempts: 0 });
    expect(runtime.bodies).toEqual(["generate_joke@r1", "critique_joke@r1"]);
    const recorder = runtime.recorders.get("r1")!;
    expect(recorder.ticks).toEqual([
      "run_started",
      "attempt:generate_joke",
      "stream_written",
      "attempt_succeeded",
      "attempt:critique_joke",
      "attempt_succeeded",
      "outcome:result",
      "settled",
    ]);
    expect(recorder.published.map((e) => e.constructor.name)).toEqual(["JokeProgress", "CritiqueReady"]);
    expect(recorder.ended).toBe(true);
    expect(flow.resume("r1")).toBe(handler);
    expect((await flow.resumeAll()).map((h) => h.runId)).toEqual(["r1"]);
  });

  it("WorkflowOptions.aroundStep sees every step body, around a runtime's own hook", async () => {
    const seen: string[] = [];
    const runtime = new RecordingRuntime();
    const flow = new JokeFlow({
      runtime,
      resources: { llm },
      aroundStep: async ({ step, ctx }, body) => {
        seen.push(`start ${step}@${ctx.runId} (runtime saw ${runtime.bodies.length})`);
        const result = await body();
        seen.push(`end ${step}`);
        return result;
      },
    });
    await flow.run({ topic: "owls" }, { runId: "r2" });
    expect(seen).toEqual(["start generate_joke@r2 (runtime saw 0)", "end generate_joke", "start critique_joke@r2 (runtime saw 1)", "end critique_joke"]);
    expect(runtime.bodies).toEqual(["generate_joke@r2", "critique_joke@r2"]);
    const alone: string[] = [];
    await new JokeFlow({ resources: { llm }, aroundStep: (call, body) => (alone.push(call.step), body()) }).run({ topic: "owls" });
    expect(alone).toEqual(["generate_joke", "critique_joke"]);
  });

  it("the in-memory runner refuses resume without a backend that keeps runs", async () => {
    const flow = new JokeFlow({ resources: { llm } });
    expect(() => flow.resume("nope")).toThrow(/resume\(\) needs a journal/);
    await expect(flow.resumeAll()).rejects.toThrow(/resumeAll\(\) needs a journal/);
  });
});
