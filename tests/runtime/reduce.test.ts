// The reducer alone, tick by tick: no driver, no timers, no promises.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  buildRunEnv,
  createRunState,
  Event,
  reduce,
  StartEvent,
  StopEvent,
  WorkflowRuntimeError,
  type Command,
  type WorkflowDefinition,
} from "flowspec/runtime";

class Job extends Event {
  static override readonly typeName = "Job";
  static override readonly kind = "event";
  static override readonly schema = z.object({ n: z.number() });
  readonly n: number;
  constructor(data: { n: number }) {
    super();
    this.n = data.n;
  }
}

class Part extends Event {
  static override readonly typeName = "Part";
  static override readonly kind = "event";
  static override readonly schema = z.object({});
}

const definition: WorkflowDefinition = {
  name: "ReduceFlow",
  startEvent: StartEvent,
  events: [Job, Part],
  steps: [
    { name: "begin", method: "begin", accepts: [StartEvent], emits: [Job], resources: [], workers: 1 },
    { name: "work", method: "work", accepts: [Job], emits: [Part, StopEvent], resources: [], workers: 2, retry: { attempts: 3, delay: 0.5, backoff: 3 } },
    { name: "join", method: "join", accepts: [Part], emits: [StopEvent], resources: [], workers: 1 },
  ],
  resources: {},
};
const env = buildRunEnv(definition);

function fresh() {
  const s = createRunState(env.steps.length, {});
  const started = reduce(s, { type: "run_started", runId: "r", start: new StartEvent() }, env);
  return { s, started };
}
const starts = (cs: Command[]) => cs.filter((c) => c.type === "start_attempt").map((c) => (c.type === "start_attempt" ? [c.step, c.seq, c.attempt] : []));
const send = (event: Event) => ({ type: "event_sent", event, target: null, from: null }) as const;

describe("reduce", () => {
  it("routes the start event and bounds each step by its workers, FIFO", () => {
    const { s, started } = fresh();
    expect(starts(started)).toEqual([[0, 1, 1]]);
    expect(starts(reduce(s, send(new Job({ n: 1 })), env))).toEqual([[1, 2, 1]]);
    expect(starts(reduce(s, send(new Job({ n: 2 })), env))).toEqual([[1, 3, 1]]);
    expect(starts(reduce(s, send(new Job({ n: 3 })), env))).toEqual([]); // both workers busy
    expect(s.steps[1]!.queue.length).toBe(1);
    expect(starts(reduce(s, { type: "attempt_succeeded", step: "work", seq: 2, attempt: 1, result: null }, env))).toEqual([[1, 4, 1]]);
  });

  it("schedules retries with delay × backoff^(k-1), then fails naming the step with the cause", () => {
    const { s } = fresh();
    reduce(s, send(new Job({ n: 1 })), env);
    const boom = new Error("boom");
    expect(reduce(s, { type: "attempt_failed", step: "work", seq: 2, attempt: 1, error: boom }, env)).toEqual([
      { type: "schedule_retry", step: 1, seq: 2, delayMs: 500 },
    ]);
    expect(starts(reduce(s, { type: "retry_due", step: "work", seq: 2 }, env))).toEqual([[1, 2, 2]]);
    expect(reduce(s, { type: "attempt_failed", step: "work", seq: 2, attempt: 2, error: boom }, env)).toEqual([
      { type: "schedule_retry", step: 1, seq: 2, delayMs: 1500 },
    ]);
    reduce(s, { type: "retry_due", step: "work", seq: 2 }, env);
    const [fail] = reduce(s, { type: "attempt_failed", step: "work", seq: 2, attempt: 3, error: boom }, env);
    expect(fail).toMatchObject({ type: "fail_run" });
    const error = (fail as unknown as { error: WorkflowRuntimeError }).error;
    expect(error).toBeInstanceOf(WorkflowRuntimeError);
    expect(error).toMatchObject({ step: "work", cause: boom });
    expect(s.status).toBe("failed");
  });

  it("ignores stale results and everything after the stop", () => {
    const { s } = fresh();
    reduce(s, send(new Job({ n: 1 })), env);
    expect(reduce(s, { type: "attempt_succeeded", step: "work", seq: 2, attempt: 7, result: null }, env)).toEqual([]);
    const stop = new StopEvent({ result: 1 });
    expect(reduce(s, { type: "attempt_succeeded", step: "work", seq: 2, attempt: 1, result: stop }, env)).toEqual([
      { type: "complete_run", result: stop },
    ]);
    expect(reduce(s, send(new Job({ n: 2 })), env)).toEqual([]);
    expect(reduce(s, { type: "stream_written", event: new Part() }, env)).toEqual([]);
    expect(s.status).toBe("completed");
  });

  it("puts back what a failed attempt's collect consumed, in arrival order", () => {
    const { s } = fresh();
    for (let i = 0; i < 3; i++) reduce(s, send(new Part()), env); // seqs 2, 3, 4 → join
    const join = s.steps[2]!;
    expect(join.active.map((d) => d.seq)).toEqual([2]);
    reduce(s, { type: "collected", step: "join", by: 2, add: { seq: 90, event: new Part() }, take: [] }, env);
    reduce(s, { type: "collected", step: "join", by: 2, add: { seq: 2, event: join.active[0]!.event }, take: [90, 2] }, env);
    expect([...join.buffer.keys()]).toEqual([]);
    reduce(s, { type: "attempt_failed", step: "join", seq: 2, attempt: 1, error: new Error("x") }, env);
    expect([...join.buffer.keys()]).toEqual([2, 90]);
    expect(s.nextSeq).toBe(91);
  });

  it("on resume re-queues in-flight work first and dispatches it again", () => {
    const { s } = fresh();
    reduce(s, send(new Job({ n: 1 })), env);
    reduce(s, send(new Job({ n: 2 })), env);
    reduce(s, send(new Job({ n: 3 })), env);
    reduce(s, { type: "cancelled" }, env);
    expect(s.status).toBe("cancelled");
    const resumed = reduce(s, { type: "run_resumed", runId: "r" }, env);
    expect(starts(resumed)).toEqual([
      [0, 1, 1],
      [1, 2, 1],
      [1, 3, 1],
    ]);
    expect(s.steps[1]!.queue.toArray().map((d) => d.seq)).toEqual([4]);
  });

  it("never exceeds workers and starts deliveries in arrival order, whatever the interleaving", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant("send" as const), fc.nat(5)), { maxLength: 60 }), (ops) => {
        const { s } = fresh();
        const started: number[] = [];
        const sent: number[] = [];
        for (const op of ops) {
          let commands: Command[];
          if (op === "send") {
            commands = reduce(s, send(new Job({ n: 0 })), env);
            sent.push(s.nextSeq - 1);
          } else {
            const d = s.steps[1]!.active[op % Math.max(1, s.steps[1]!.active.length)];
            if (d === undefined) continue;
            commands = reduce(s, { type: "attempt_succeeded", step: "work", seq: d.seq, attempt: d.attempt, result: null }, env);
          }
          for (const c of commands) if (c.type === "start_attempt" && c.step === 1) started.push(c.seq);
          expect(s.steps[1]!.active.length).toBeLessThanOrEqual(2);
        }
        expect(started).toEqual(sent.slice(0, started.length));
        expect(started.length + s.steps[1]!.queue.length).toBe(sent.length);
      }),
    );
  });
});
