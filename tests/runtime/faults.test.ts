// Fault and load behaviour: bounds, ordering, timeouts, failures, retries, cancellation, leaks.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  StartEvent,
  StopEvent,
  WorkflowCancelledError,
  WorkflowRuntimeError,
  WorkflowTimeoutError,
  type Event,
  type StepContext,
} from "flowspec/runtime";
import { ConcurrentFlowBase, StepACompleteEvent, StepAEvent, StepBCompleteEvent, StepBEvent, StepCCompleteEvent, StepCEvent } from "../../generated/concurrent.js";
import { ParallelFlowBase, StepTwoEvent } from "../../generated/parallel.js";
import { Burst, CounterFlowBase, Tally, Work, Worked, type CounterFlowState } from "./fixtures/counter.js";
import { FlakyFlowBase, Note, Pong, type Ping } from "./fixtures/flaky.js";
import { LoopDone, LoopEvent, LoopFlowBase, type LoopStart } from "./fixtures/loop.js";
import { TimersFlow } from "./fixtures/timers.js";
import { activeTimers, drain, failOnUnhandledRejections, settle, sleep, untilAborted } from "./helpers.js";

const unhandled = failOnUnhandledRejections();

class CounterFlow extends CounterFlowBase {
  active = 0;
  maxActive = 0;
  async spray(ev: Burst, ctx: StepContext<CounterFlowState, Work>) {
    ctx.store.set("n", ev.n);
    for (let index = 0; index < ev.n; index++) ctx.sendEvent(new Work({ index }));
  }
  async work(ev: Work, ctx: StepContext<CounterFlowState, Worked>) {
    this.maxActive = Math.max(this.maxActive, ++this.active);
    try {
      await sleep(ev.index % 3);
      await ctx.store.editState((s) => void (s.count += 1));
      return new Worked({ index: ev.index });
    } finally {
      this.active--;
    }
  }
  async gather(ev: Worked, ctx: StepContext<CounterFlowState, Tally>) {
    const all = ctx.collectEvents(ev, Array<typeof Worked>(ctx.store.get<number>("n")).fill(Worked));
    if (all === null) return;
    return new Tally({ count: ctx.store.getState().count, seen: all.length });
  }
}

describe("bounds and ordering", () => {
  it("never runs more than `workers` invocations of a step at once", async () => {
    const flow = new CounterFlow();
    const result = await flow.run({ n: 100 });
    expect(result.count).toBe(100);
    expect(result.seen).toBe(100);
    expect(flow.maxActive).toBe(8);
  });

  class Ordered extends ConcurrentFlowBase {
    collected: string[] = [];
    constructor(private readonly delays: readonly number[]) {
      super();
    }
    async start(_ev: StartEvent, ctx: StepContext<Record<string, never>, StepAEvent | StepBEvent | StepCEvent>) {
      ctx.sendEvent(new StepAEvent({ query: "a" }));
      ctx.sendEvent(new StepBEvent({ query: "b" }));
      ctx.sendEvent(new StepCEvent({ query: "c" }));
    }
    async stepA() {
      await sleep(this.delays[0]!);
      return new StepACompleteEvent({ result: "A" });
    }
    async stepB() {
      await sleep(this.delays[1]!);
      return new StepBCompleteEvent({ result: "B" });
    }
    async stepC() {
      await sleep(this.delays[2]!);
      return new StepCCompleteEvent({ result: "C" });
    }
    async stepThree(ev: StepACompleteEvent | StepBCompleteEvent | StepCCompleteEvent, ctx: StepContext<Record<string, never>, StopEvent>) {
      const all = ctx.collectEvents(ev, [StepBCompleteEvent, StepCCompleteEvent, StepACompleteEvent]);
      if (all === null) return;
      return new StopEvent({ result: all.map((e) => e.result).join("") });
    }
  }

  it("collectEvents returns the requested order whatever the arrival order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }), async (delays) => {
        expect(await new Ordered(delays).run()).toBe("BCA");
      }),
      { numRuns: 25 },
    );
  });
});

class Parallel extends ParallelFlowBase {
  readonly reasons: unknown[] = [];
  async start(_ev: StartEvent, ctx: StepContext<Record<string, never>, StepTwoEvent>) {
    ctx.sendEvent(new StepTwoEvent({ query: "q" }));
  }
  async stepTwo(_ev: StepTwoEvent, ctx: StepContext<Record<string, never>, StopEvent>): Promise<StopEvent> {
    try {
      return await untilAborted(ctx.signal);
    } catch (reason) {
      this.reasons.push(reason);
      throw reason;
    }
  }
}

describe("timeout and cancellation", () => {
  it("a timeout aborts ctx.signal and names the steps still active", async () => {
    const flow = new Parallel({ timeout: 0.05 });
    const error = await flow.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowTimeoutError);
    expect(error).toMatchObject({ name: "WorkflowTimeoutError", activeSteps: ["step_two"], timeout: 0.05 });
    expect((error as Error).message).toContain("step_two");
    expect(flow.reasons).toEqual([error]);
  });

  it("cancel rejects with WorkflowCancelledError and leaves no timer behind (in process)", async () => {
    await settle();
    const before = activeTimers();
    const flow = new Parallel({ timeout: 600 });
    const handler = flow.run();
    await sleep(5);
    expect(activeTimers()).toBeGreaterThan(before);
    handler.cancel();
    await expect(handler).rejects.toBeInstanceOf(WorkflowCancelledError);
    await settle();
    expect(activeTimers()).toBeLessThanOrEqual(before);
    expect(flow.reasons[0]).toBeInstanceOf(WorkflowCancelledError);
  });

  it("ending a run clears its retry and attempt timers", async () => {
    await settle();
    const before = activeTimers();
    const handler = new TimersFlow().run();
    await sleep(10);
    expect(activeTimers()).toBeGreaterThanOrEqual(before + 2); // run timeout, pending retry, attempt timeout
    handler.cancel();
    await expect(handler).rejects.toBeInstanceOf(WorkflowCancelledError);
    await settle();
    expect(activeTimers()).toBeLessThanOrEqual(before);
  });

  it("a cancelled child process exits on its own, promptly", async () => {
    const { build } = await import("esbuild");
    const dir = mkdtempSync(join(tmpdir(), "flowspec-cancel-"));
    try {
      const outfile = join(dir, "child.mjs");
      await build({
        entryPoints: [fileURLToPath(new URL("./fixtures/cancel-child.ts", import.meta.url))],
        bundle: true,
        platform: "node",
        format: "esm",
        outfile,
        logLevel: "silent",
        alias: { "flowspec/runtime": fileURLToPath(new URL("../../runtime/index.ts", import.meta.url)) },
      });
      // The armed timers are 60 s long: exiting by itself (status 0, not killed at 30 s) proves cancel cleared them all.
      const child = spawnSync(process.execPath, [outfile], { encoding: "utf8", timeout: 30_000 });
      expect(child.stderr).toBe("");
      expect(child.stdout.trim()).toBe("WorkflowCancelledError");
      expect(child.signal).toBeNull();
      expect(child.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

class Flaky extends FlakyFlowBase {
  readonly attemptsAt: number[] = [];
  notes = 0;
  constructor(private readonly failures: number) {
    super();
  }
  async flaky(_ev: Ping, ctx: StepContext<Record<string, never>, Note | Pong>) {
    this.attemptsAt.push(performance.now());
    ctx.sendEvent(new Note({ text: `attempt ${ctx.attempt}` }));
    if (ctx.attempt <= this.failures) throw new Error(`failure ${ctx.attempt}`);
    await sleep(5); // let the notes arrive before the stop
    return new Pong({ attempts: ctx.attempt });
  }
  async listen(): Promise<Pong | void> {
    this.notes++;
  }
}

describe("failures and retries", () => {
  it("retries with backoff; events sent by failed attempts are still delivered", async () => {
    const flow = new Flaky(2);
    const result = await flow.run();
    expect(result.attempts).toBe(3);
    expect(flow.notes).toBe(3);
    const [t1, t2, t3] = flow.attemptsAt as [number, number, number];
    expect(t2 - t1).toBeGreaterThanOrEqual(19); // delay × backoff^0 = 20ms
    expect(t3 - t2).toBeGreaterThanOrEqual(39); // delay × backoff^1 = 40ms
  });

  it("a step failing after its retries rejects with the step's name and the last error as cause", async () => {
    const flow = new Flaky(99);
    const error = await flow.run({ label: "doomed" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowRuntimeError);
    expect(error).toMatchObject({ name: "WorkflowRuntimeError", step: "flaky" });
    expect((error as Error).message).toContain('"flaky" failed after 4 attempts');
    expect(((error as Error).cause as Error).message).toBe("failure 4");
    expect(flow.attemptsAt).toHaveLength(4);
  });

  it("never raises an unhandled rejection when only the stream is consumed, or nothing", async () => {
    const streamed = new Flaky(99).run();
    await expect((async () => {
      for await (const _ of streamed.streamEvents());
    })()).rejects.toBeInstanceOf(WorkflowRuntimeError);
    new Flaky(99).run(); // never awaited, never streamed
    await sleep(200);
    await settle();
    expect(unhandled).toEqual([]);
  });
});

class LoopFlow extends LoopFlowBase {
  heapPeak = 0;
  async stepOne(ev: LoopStart | LoopEvent, ctx: StepContext<Record<string, never>, LoopEvent | LoopDone>) {
    const remaining = ev instanceof LoopEvent ? ev.remaining : ev.times;
    if (remaining % 10_000 === 0) this.heapPeak = Math.max(this.heapPeak, process.memoryUsage().heapUsed);
    if (remaining === 0) return new LoopDone({ iterations: 0 });
    ctx.writeEventToStream(new LoopEvent({ remaining }));
    return new LoopEvent({ remaining: remaining - 1 });
  }
}

/** A loop step that sends synchronously (no async function, no await): nested sends, flat stack. */
class SyncLoop extends LoopFlowBase {
  stepOne(ev: LoopStart | LoopEvent, ctx: StepContext<Record<string, never>, LoopEvent | LoopDone>): Promise<void> {
    const remaining = ev instanceof LoopEvent ? ev.remaining : ev.times;
    if (remaining === 0) ctx.sendEvent(new LoopDone({ iterations: 0 }));
    else ctx.sendEvent(new LoopEvent({ remaining: remaining - 1 }));
    return undefined as unknown as Promise<void>;
  }
}

function getGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

describe("load and leaks", () => {
  it("keeps memory flat over 100,000 events through a loop", async () => {
    const gc = getGc();
    await new LoopFlow().run({ times: 1_000 }); // warm up
    gc();
    const before = process.memoryUsage().heapUsed;
    const flow = new LoopFlow();
    const handler = flow.run({ times: 100_000 });
    let streamed = 0;
    for await (const _ of handler.streamEvents()) streamed++;
    await handler;
    gc();
    const after = process.memoryUsage().heapUsed;
    expect(streamed).toBe(100_001);
    expect(after - before).toBeLessThan(8 * 1024 * 1024);
    expect(flow.heapPeak - before).toBeLessThan(64 * 1024 * 1024);
  });

  it("handles 100,000 nested synchronous sends without growing the stack", async () => {
    const result = await new SyncLoop().run({ times: 100_000 });
    expect(result).toBeInstanceOf(LoopDone);
  });

  it("a stream consumer that breaks early can read on later, each event once; no timers left", async () => {
    await settle();
    const timersBefore = activeTimers();
    const flow = new LoopFlow();
    const handler = flow.run({ times: 5_000 });
    const first: Event[] = [];
    for await (const ev of handler.streamEvents()) {
      first.push(ev);
      break;
    }
    expect(await handler).toBeInstanceOf(LoopDone);
    const rest = await drain(handler.streamEvents());
    const remaining = [...first, ...rest].filter((ev) => ev instanceof LoopEvent).map((ev) => (ev as LoopEvent).remaining);
    expect(remaining).toEqual(Array.from({ length: 5_000 }, (_, i) => 5_000 - i));
    expect(rest.at(-1)).toBeInstanceOf(LoopDone);
    await settle();
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  });
});
