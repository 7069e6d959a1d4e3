// Deadlines are absolute: a journaled run's timeout counts from its start across resumes and
// restarts, not afresh in each process. Fake clocks (setTimeout and Date), no wall-clock waits.

import { afterEach, describe, expect, it, vi } from "vitest";
import { HumanResponseEvent, InputRequiredEvent, MemoryJournal, WorkflowTimeoutError } from "flowspec/runtime";
import { HumanInTheLoopFlow as Hitl } from "../support/hitl-flow.js";
import { InstantJokeFlow, noLlm } from "../support/joke-flow.js";

afterEach(() => void vi.useRealTimers());

async function waitingRun(journal: MemoryJournal, timeout: number) {
  const handler = new Hitl({ journal, timeout }).run(undefined, { runId: "r" });
  for await (const ev of handler.streamEvents()) if (ev instanceof InputRequiredEvent) break;
  handler.cancel(); // this process lets go of the run (as a crash or a deploy would)
  await handler.then(() => undefined, () => undefined);
}

describe("absolute run deadlines", () => {
  it("a run resumed after its deadline times out at once; one resumed before it gets only what is left", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const journal = new MemoryJournal();
    await waitingRun(journal, 60);

    vi.setSystemTime(Date.now() + 45_000); // 45 s of the 60 s spent
    const early = new Hitl({ journal, timeout: 60 }).resume("r");
    let settled: unknown = "pending";
    early.then((v) => (settled = v), (e: unknown) => (settled = e));
    await vi.advanceTimersByTimeAsync(14_000);
    expect(settled).toBe("pending"); // 59 s after the start: still within the deadline
    await vi.advanceTimersByTimeAsync(1_500);
    expect(settled).toBeInstanceOf(WorkflowTimeoutError); // 60.5 s after the start, not 45 + 60

    const late = new MemoryJournal();
    await waitingRun(late, 60);
    vi.setSystemTime(Date.now() + 61_000);
    const resumed = new Hitl({ journal: late, timeout: 60 }).resume("r");
    const outcome = resumed.then(() => "resolved", (e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBeInstanceOf(WorkflowTimeoutError);
  });

  it("a run resumed past its deadline times out before any step starts: its in-flight step does not run again", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    let calls = 0;
    class SlowJoke extends InstantJokeFlow {
      override async generateJoke(_ev: Parameters<InstantJokeFlow["generateJoke"]>[0], ctx: Parameters<InstantJokeFlow["generateJoke"]>[1]) {
        calls++;
        return await new Promise<never>((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
      }
    }
    const journal = new MemoryJournal();
    const first = new SlowJoke({ journal, timeout: 60, resources: { llm: noLlm } }).run({ topic: "time" }, { runId: "slow" });
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(1);
    first.cancel(); // this process lets go of the run with its step in flight
    await first.then(() => undefined, () => undefined);

    vi.setSystemTime(Date.now() + 61_000);
    const resumed = new SlowJoke({ journal, timeout: 60, resources: { llm: noLlm } }).resume("slow");
    const outcome = resumed.then(() => "resolved", (e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBeInstanceOf(WorkflowTimeoutError);
    expect(calls).toBe(1);
  });

  it("a long human wait is configured with timeout: null (or a deadline as long as the wait)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const journal = new MemoryJournal();
    await waitingRun(journal, null as unknown as number);
    vi.setSystemTime(Date.now() + 3 * 86_400_000); // three days later
    const handler = new Hitl({ journal, timeout: null }).resume("r");
    handler.ctx.sendEvent(new HumanResponseEvent({ response: "yes" }));
    await vi.advanceTimersByTimeAsync(1);
    expect(await handler).toBe("got yes");
  });
});
