// Runtime chaos: a fan-out/fan-in workflow (support/chaos-flow.ts, in the generated shape) whose steps
// fail, wait and retry at random (fast-check plans, fixed seed, small delays), with random run
// timeouts and cancellations. Every run must end in exactly one of: its stop event, a timeout, a
// cancellation or a WorkflowRuntimeError; nothing may surface as an unhandled rejection; every job sent
// is processed exactly once when the run stops; the typed state agrees with what the steps did; no
// timer outlives its run. A cancelled or timed-out run, serialized and restored, finishes the work.
// Half the runs are journaled (MemoryJournal), and a failing attempt fails in one of three ways:
// it throws an Error, it throws a value that cannot be read (`Object.create(null)`), or (journaled)
// it stores a value the journal cannot encode (a cycle), which must fail that attempt, not the process.

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  Context,
  HumanResponseEvent,
  MemoryJournal,
  InputRequiredEvent,
  StopEvent,
  WorkflowCancelledError,
  WorkflowRuntimeError,
  WorkflowTimeoutError,
  type Event,
  type StepContext,
} from "flowspec/runtime";
import { HumanInTheLoopFlowBase } from "../../generated/human-in-the-loop.js";
import { ChaosFlowBase, Done, Finished, Job, Progress, type ChaosFlowState, type Kick } from "./support/chaos-flow.js";
import { runs, SEED, timeout } from "./support/fuzz-config.js";

const CHAOS_RUNS = runs(60);
const RESUME_RUNS = runs(25);
const HUMAN_RUNS = runs(30);
/** The spec's retry policy: 3 attempts in all. */
const ATTEMPTS = 3;

interface Plan {
  jobs: number;
  /** Per job: how many attempts throw before one succeeds (ATTEMPTS or more: the job never succeeds). */
  failures: number[];
  /** Per job: milliseconds each attempt waits before working. */
  delays: number[];
  /** The run's timeout in seconds, or none. */
  timeoutSeconds: number | null;
  /** Cancel the run after this many milliseconds, or never. */
  cancelAfterMs: number | null;
  /** Read the event stream while the run goes. */
  stream: boolean;
  /** Journal the run (in a MemoryJournal). */
  journal: boolean;
  /** Per job: how its failing attempts fail. */
  how: FailureKind[];
}

/** How an attempt fails: a thrown Error, a thrown unreadable value, or (journaled) a stored value the journal cannot encode. */
type FailureKind = "throw" | "unreadable" | "unencodable";
/** The failure kinds the plans made happen (checked: each one is exercised). */
const failuresSeen = new Set<FailureKind>();

function planArb(options: { maxFailures: number }): fc.Arbitrary<Plan> {
  return fc.integer({ min: 1, max: 8 }).chain((jobs) =>
    fc.record({
      jobs: fc.constant(jobs),
      failures: fc.array(
        fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.integer({ min: 1, max: options.maxFailures }), weight: 2 }),
        { minLength: jobs, maxLength: jobs },
      ),
      delays: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: jobs, maxLength: jobs }),
      timeoutSeconds: fc.option(fc.constantFrom(0.004, 0.01, 0.03, 0.1), { freq: 3 }),
      cancelAfterMs: fc.option(fc.integer({ min: 0, max: 20 }), { freq: 3 }),
      stream: fc.boolean(),
      journal: fc.boolean(),
      how: fc.array(fc.constantFrom<FailureKind>("throw", "throw", "unreadable", "unencodable"), { minLength: jobs, maxLength: jobs }),
    }),
  );
}

/** Waits `ms`, or rejects as soon as `signal` aborts (clearing its timer). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

class ChaosFlow extends ChaosFlowBase {
  /** Per job: attempts started, and edits of the state that went through. */
  readonly attempts: number[];
  readonly committed: number[];
  /** `work` attempts in flight now, and at most (the spec says `workers: 3`). */
  active = 0;
  maxActive = 0;

  constructor(
    private readonly plan: Plan,
    timeoutSeconds: number | null,
  ) {
    super({ timeout: timeoutSeconds, ...(plan.journal ? { journal: new MemoryJournal() } : {}) });
    this.attempts = new Array<number>(plan.jobs).fill(0);
    this.committed = new Array<number>(plan.jobs).fill(0);
  }

  async spray(ev: Kick, ctx: StepContext<ChaosFlowState, Job>): Promise<void> {
    for (let index = 0; index < ev.jobs; index++) ctx.sendEvent(new Job({ index }));
    ctx.store.set("sent", ev.jobs);
  }

  async work(ev: Job, ctx: StepContext<ChaosFlowState, Done>): Promise<Done> {
    this.attempts[ev.index]! += 1;
    this.maxActive = Math.max(this.maxActive, ++this.active);
    try {
      await sleep(this.plan.delays[ev.index]!, ctx.signal);
      if (ctx.attempt <= this.plan.failures[ev.index]!) this.fail(ev.index, ctx);
      let edited = false;
      await ctx.store.editState((state) => {
        state.processed += 1;
        edited = true;
      });
      if (edited && !ctx.signal.aborted) this.committed[ev.index]! += 1;
      ctx.writeEventToStream(new Progress({ index: ev.index }));
      return new Done({ index: ev.index });
    } finally {
      this.active--;
    }
  }

  /** Fails this attempt the plan's way. */
  private fail(index: number, ctx: StepContext<ChaosFlowState, Done>): never {
    const how = this.plan.how[index]!;
    failuresSeen.add(how === "unencodable" && !this.plan.journal ? "throw" : how);
    if (how === "unreadable") throw Object.create(null);
    if (how === "unencodable" && this.plan.journal) {
      const cycle: Record<string, unknown> = { index };
      cycle.self = cycle;
      ctx.store.set(`poison:${index}`, cycle); // throws: the journal cannot encode it
      expect.fail("storing a cycle in a journaled run did not throw");
    }
    throw new Error(`boom ${index}/${ctx.attempt}`);
  }

  async gather(ev: Done, ctx: StepContext<ChaosFlowState, Finished>): Promise<Finished | void> {
    const all = ctx.collectEvents(ev, Array.from({ length: this.plan.jobs }, () => Done));
    if (all === null) return;
    return new Finished({ count: new Set(all.map((done) => done.index)).size });
  }
}

/** The committed generated class for specs/human-in-the-loop.yaml, with a step that may be slow. */
class HumanFlow extends HumanInTheLoopFlowBase {
  constructor(
    private readonly askDelayMs: number,
    timeoutSeconds: number | null = null,
  ) {
    super({ timeout: timeoutSeconds });
  }
  async step1(_ev: unknown, ctx: StepContext<Record<string, never>, InputRequiredEvent>): Promise<InputRequiredEvent> {
    await sleep(this.askDelayMs, ctx.signal);
    return new InputRequiredEvent({ prefix: "How many? " });
  }
  async step2(ev: HumanResponseEvent): Promise<StopEvent> {
    return new StopEvent({ result: ev.response });
  }
}

type Outcome = { kind: "stopped"; result: Finished } | { kind: "failed"; error: unknown };

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on("unhandledRejection", onUnhandled));
afterAll(() => process.off("unhandledRejection", onUnhandled));

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Runs one plan and checks every invariant; returns the outcome and the context for more checks. */
async function runPlan(plan: Plan) {
  const before = timers();
  const flow = new ChaosFlow(plan, plan.timeoutSeconds);
  const handler = flow.run({ jobs: plan.jobs });
  const streamed: Event[] = [];
  let streamError: unknown;
  const reading = plan.stream
    ? (async () => {
        try {
          for await (const ev of handler.streamEvents()) streamed.push(ev);
        } catch (error) {
          streamError = error;
        }
      })()
    : Promise.resolve();
  const cancelTimer = plan.cancelAfterMs === null ? undefined : setTimeout(() => handler.cancel(), plan.cancelAfterMs);
  const outcome: Outcome = await handler.then(
    (result) => ({ kind: "stopped", result }),
    (error: unknown) => ({ kind: "failed", error }),
  );
  clearTimeout(cancelTimer);
  await reading;
  await settle();
  const context = `plan ${JSON.stringify(plan)}, attempts ${JSON.stringify(flow.attempts)}`;

  expect(handler.done, context).toBe(true);
  const state = handler.ctx.store.getState();
  const exhausted = plan.failures.some((failures) => failures >= ATTEMPTS);
  expect(flow.maxActive, `${context}: more work attempts at once than workers: 3`).toBeLessThanOrEqual(3);
  // No job runs more often than its failures allow, nor beyond the retry policy.
  plan.failures.forEach((failures, i) => expect(flow.attempts[i], context).toBeLessThanOrEqual(Math.min(failures + 1, ATTEMPTS)));
  // The state counts exactly the edits that went through, never more than the jobs.
  const committed = flow.committed.reduce((a, b) => a + b, 0);
  expect(state.processed, context).toBe(committed);
  expect(state.processed, context).toBeLessThanOrEqual(plan.jobs);
  flow.committed.forEach((count) => expect(count, context).toBeLessThanOrEqual(1));

  if (outcome.kind === "stopped") {
    expect(outcome.result, context).toBeInstanceOf(Finished);
    expect(outcome.result.count, context).toBe(plan.jobs);
    expect(state.processed, context).toBe(plan.jobs);
    expect(handler.ctx.store.get("sent"), context).toBe(plan.jobs);
    expect(exhausted, context).toBe(false);
    plan.failures.forEach((failures, i) => expect(flow.attempts[i], context).toBe(failures + 1));
    if (plan.stream) {
      expect(streamError, context).toBeUndefined();
      expect(streamed.filter((ev) => ev instanceof Progress).length, context).toBe(plan.jobs);
      expect(streamed[streamed.length - 1], context).toBe(outcome.result);
    }
  } else {
    const { error } = outcome;
    if (error instanceof WorkflowRuntimeError) {
      expect(exhausted, context).toBe(true);
      expect(error.step, context).toBe("work");
      expect(error.message, context).toMatch(/^Step "work" failed after 3 attempts: (boom \d+\/3|an object with no prototype|Step "work" produced a value that cannot be journaled: the store value\.self is a cycle)/);
    } else if (error instanceof WorkflowTimeoutError) {
      expect(plan.timeoutSeconds, context).not.toBeNull();
      expect(Array.isArray(error.activeSteps), context).toBe(true);
    } else if (error instanceof WorkflowCancelledError) {
      expect(plan.cancelAfterMs, context).not.toBeNull();
    } else {
      expect.fail(`${context}: the run ended with ${String(error)}`);
    }
    if (plan.stream) expect(streamError, context).toBe(error);
  }
  expect(timers(), `${context}: timers left behind`).toBeLessThanOrEqual(before);
  return { outcome, handler, flow };
}

describe("runtime chaos", () => {
  test(`${CHAOS_RUNS} runs with random failures, delays, retries, timeouts and cancellations`, { timeout: timeout(60_000) }, async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(planArb({ maxFailures: ATTEMPTS }), async (plan) => {
        const { outcome } = await runPlan(plan);
        const name = outcome.kind === "stopped" ? "stopped" : (outcome.error as Error).name;
        outcomes.set(name, (outcomes.get(name) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: CHAOS_RUNS, endOnFailure: true },
    );
    // One journaled run per failure kind, whatever the random plans reached before a timeout or cancel.
    for (const how of ["throw", "unreadable", "unencodable"] as const) {
      await runPlan({ jobs: 2, failures: [1, 0], delays: [0, 0], timeoutSeconds: null, cancelAfterMs: null, stream: true, journal: true, how: [how, how] });
    }
    await settle();
    expect(unhandled).toEqual([]);
    // The plans reach every ending (else the property proves less than it claims).
    if (CHAOS_RUNS >= 60) {
      for (const name of ["stopped", "WorkflowRuntimeError", "WorkflowTimeoutError", "WorkflowCancelledError"]) expect(outcomes.get(name) ?? 0, name).toBeGreaterThan(0);
      expect([...failuresSeen].sort()).toEqual(["throw", "unencodable", "unreadable"]);
    }
  });

  test(`${RESUME_RUNS} interrupted runs, serialized and restored, finish every job exactly once`, { timeout: timeout(60_000) }, async () => {
    let resumed = 0;
    await fc.assert(
      fc.asyncProperty(planArb({ maxFailures: ATTEMPTS - 1 }), async (plan) => {
        const { outcome, handler } = await runPlan(plan);
        if (outcome.kind === "stopped") return;
        const error = outcome.error;
        expect(error instanceof WorkflowCancelledError || error instanceof WorkflowTimeoutError, String(error)).toBe(true);
        const json = JSON.parse(JSON.stringify(handler.ctx.toJSON())) as Parameters<typeof Context.fromJSON>[1];
        const calm = { ...plan, failures: plan.failures.map(() => 0), timeoutSeconds: null, cancelAfterMs: null, stream: false, journal: false };
        const flow = new ChaosFlow(calm, null);
        const ctx = Context.fromJSON<ChaosFlowState>(flow, json);
        const result = await flow.run(undefined as never, { ctx });
        resumed++;
        expect(result).toBeInstanceOf(Finished);
        expect(result.count).toBe(plan.jobs);
        expect(ctx.store.getState().processed, `plan ${JSON.stringify(plan)}`).toBe(plan.jobs);
        expect(ctx.store.get("sent")).toBe(plan.jobs);
      }),
      { seed: SEED, numRuns: RESUME_RUNS, endOnFailure: true },
    );
    await settle();
    expect(unhandled).toEqual([]);
    if (RESUME_RUNS >= 25) expect(resumed).toBeGreaterThan(3);
  });

  test(`${HUMAN_RUNS} human-in-the-loop runs (the generated class): answers early or late, across a restore`, { timeout: timeout(60_000) }, async () => {
    const plans = fc.record({
      askDelayMs: fc.integer({ min: 0, max: 4 }),
      answerAfterMs: fc.integer({ min: 0, max: 8 }),
      /** Answer only once the question is on the stream (else whenever the timer says, maybe first). */
      waitForQuestion: fc.boolean(),
      /** Serialize while waiting, drop the run, restore it in a new workflow, then answer there. */
      restore: fc.boolean(),
      response: fc.string({ maxLength: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(plans, async (plan) => {
        const context = JSON.stringify(plan);
        const flow = new HumanFlow(plan.askDelayMs, 5);
        const handler = flow.run();
        const stream = handler.streamEvents();
        let asked = false;
        if (plan.waitForQuestion || plan.restore) {
          for (let next = await stream.next(); !next.done; next = await stream.next()) {
            if (next.value instanceof InputRequiredEvent) {
              asked = true;
              break;
            }
          }
          expect(asked, context).toBe(true);
        }
        let target = handler;
        if (plan.restore) {
          const json = JSON.stringify(handler.ctx.toJSON());
          handler.cancel();
          await expect(Promise.resolve(handler), context).rejects.toBeInstanceOf(WorkflowCancelledError);
          const revived = new HumanFlow(plan.askDelayMs, 5);
          target = revived.run(undefined, { ctx: Context.fromJSON(revived, json) });
        }
        await sleep(plan.answerAfterMs, new AbortController().signal);
        target.ctx.sendEvent(new HumanResponseEvent({ response: plan.response }));
        await expect(Promise.resolve(target), context).resolves.toBe(plan.response);
        if (!plan.restore) {
          // The rest of the stream: at most the question (an early answer can stop the run before
          // step1 asks), then the stop event, last.
          const rest: Event[] = [];
          for (let next = await stream.next(); !next.done; next = await stream.next()) rest.push(next.value);
          expect(rest[rest.length - 1], context).toBeInstanceOf(StopEvent);
          expect(rest.filter((ev) => ev instanceof InputRequiredEvent).length + (asked ? 1 : 0), context).toBeLessThanOrEqual(1);
          expect(rest.length, context).toBeLessThanOrEqual(asked ? 1 : 2);
        }
      }),
      { seed: SEED, numRuns: HUMAN_RUNS, endOnFailure: true },
    );
    await settle();
    expect(unhandled).toEqual([]);
  });
});
