// The checked graph holds at run time, and failures stay inside the run (DESIGN "Runtime
// semantics, pinned down"): each test reproduces a defect seen in the field.

import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  Context,
  Event,
  HumanResponseEvent,
  InputRequiredEvent,
  MemoryJournal,
  StartEvent,
  StopEvent,
  Workflow,
  WorkflowRuntimeError,
  WorkflowTimeoutError,
  type EventClass,
  type StepContext,
  type WorkflowDefinition,
  type WorkflowOptions,
} from "flowspec/runtime";
import { HumanInTheLoopFlow as Hitl } from "../support/hitl-flow.js";
import { drain, failOnUnhandledRejections, gate, sleep } from "./helpers.js";

failOnUnhandledRejections();

/** An event class with the given type name, kind and fields (all `unknown`, optional). */
type AnyEvent = Event & Record<string, unknown>;
type AnyEventClass = EventClass<AnyEvent> & (new (data?: Record<string, unknown>) => AnyEvent);

function eventClass(typeName: string, kind: EventClass["kind"] = "event", fields: readonly string[] = []): AnyEventClass {
  const shape = Object.fromEntries(fields.map((f) => [f, z.unknown()]));
  const cls = class extends Event {
    static override readonly typeName = typeName;
    static override readonly kind = kind;
    static override readonly schema = z.object(shape);
    constructor(data: Record<string, unknown> = {}) {
      super();
      Object.assign(this, data);
    }
  };
  return cls as unknown as AnyEventClass;
}

type StepFn = (this: Workflow<any, any, any, any>, ev: any, ctx: StepContext<any, any>) => unknown;

/** A workflow class from a definition and step bodies (what generated code plus user code make). */
function flowClass(definition: Omit<WorkflowDefinition, "resources" | "events"> & { events?: readonly EventClass[] }, bodies: Record<string, StepFn>) {
  const full: WorkflowDefinition = { resources: {}, events: definition.events ?? [], ...definition };
  class Flow extends Workflow<any, any, any, any> {
    constructor(options?: WorkflowOptions<any>) {
      super(full, options);
    }
  }
  for (const [name, body] of Object.entries(bodies)) Object.defineProperty(Flow.prototype, name, { value: body });
  return Flow;
}

const step = (name: string, accepts: readonly EventClass[], emits: readonly EventClass[], more: object = {}) => ({ name, method: name, accepts, emits, resources: [], workers: 4, ...more });

const Go = eventClass("Go", "start");
const Charge = eventClass("Charge", "event", ["n"]);
const Rogue = eventClass("Rogue");
const Done = eventClass("Done", "stop", ["value"]);

describe("emits hold at run time", () => {
  const Loose = flowClass(
    { name: "Loose", startEvent: Go, steps: [step("first", [Go], [Charge]), step("second", [Charge], [Done]), step("rogueStep", [Rogue], [Done])] },
    {
      first(_ev, ctx) {
        (ctx as any).sendEvent(new Rogue()); // a plain-JS step: not in emits
      },
      second: () => new Done({ value: 1 }),
      rogueStep: () => new Done({ value: "hijacked" }),
    },
  );

  it("fails the run naming the step and the event when a step sends an undeclared event", async () => {
    const error = await new Loose().run({}).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowRuntimeError);
    expect((error as WorkflowRuntimeError).step).toBe("first");
    expect((error as Error).message).toMatch(/Step "first" sent Rogue, which its spec does not list in emits \(it emits Charge\)/);
  });

  it("fails the run when a step returns an undeclared stop event", async () => {
    const Returning = flowClass({ name: "Returning", startEvent: Go, steps: [step("first", [Go], [Charge]), step("second", [Charge], [Done])] }, {
      first: () => new Done({ value: "early" }) as unknown,
      second: () => new Done({ value: 1 }),
    });
    const error = await new Returning().run({}).then(() => null, (e: unknown) => e);
    expect((error as Error).message).toMatch(/Step "first" returned Done, which its spec does not list in emits/);
  });
});

describe("events from outside are refused, never dropped", () => {
  const Asks = flowClass(
    {
      name: "Asks",
      startEvent: StartEvent,
      events: [StartEvent, InputRequiredEvent],
      steps: [step("ask", [StartEvent], [InputRequiredEvent]), step("answer", [HumanResponseEvent], [StopEvent])],
    },
    { ask: () => new InputRequiredEvent({ prefix: "?" }), answer: (ev: HumanResponseEvent) => new StopEvent({ result: ev.response }) },
  );
  const Answer = eventClass("Answer", "human_response", ["text"]);
  const OwnResponse = flowClass(
    { name: "OwnResponse", startEvent: StartEvent, steps: [step("ask", [StartEvent], [InputRequiredEvent]), step("answer", [Answer], [StopEvent])] },
    { ask: () => new InputRequiredEvent({ prefix: "?" }), answer: (ev: Event & { text?: unknown }) => new StopEvent({ result: ev.text }) },
  );

  it("refuses a built-in HumanResponseEvent when the flow declares its own response event, naming what it accepts", async () => {
    const handler = new OwnResponse({ timeout: null }).run({});
    for await (const ev of handler.streamEvents()) if (ev instanceof InputRequiredEvent) break;
    expect(() => handler.ctx.sendEvent(new HumanResponseEvent({ response: "42" }))).toThrow(/no step that accepts HumanResponseEvent.*accepts from outside: Answer, StartEvent/);
    expect(() => handler.ctx.sendEvent(new Charge({ n: 1 }))).toThrow(/no step that accepts Charge/);
    handler.ctx.sendEvent(new Answer({ text: "42" }));
    expect(await handler).toBe("42");
  });

  it("throws when an event is sent to a finished run, or to a context that never ran", async () => {
    const flow = new Asks();
    const handler = flow.run({});
    for await (const ev of handler.streamEvents()) if (ev instanceof InputRequiredEvent) handler.ctx.sendEvent(new HumanResponseEvent({ response: "ok" }));
    expect(await handler).toBe("ok");
    expect(() => handler.ctx.sendEvent(new HumanResponseEvent({ response: "late" }))).toThrow(/has completed; an event sent to it would never be handled/);
    expect(() => new Context(flow).sendEvent(new HumanResponseEvent({ response: "x" }))).toThrow(/has not started/);
  });
});

describe("stream re-entry (the reference's HITL pattern)", () => {


  it("breaks out at the question, answers, then streams again to the stop event", async () => {
    const handler = new Hitl().run();
    for await (const ev of handler.streamEvents()) {
      if (ev instanceof InputRequiredEvent) {
        expect(handler.status).toBe("waiting");
        handler.ctx.sendEvent(new HumanResponseEvent({ response: "42" }));
        break;
      }
    }
    const rest = await drain(handler.streamEvents());
    expect(rest.map((e) => e.constructor.name)).toEqual(["StopEvent"]);
    expect(await handler).toBe("got 42");
    expect(handler.status).toBe("completed");
  });
});

describe("a human is asked once", () => {
  const ToolCall = eventClass("ToolCall", "event", ["i"]);
  const ToolResult = eventClass("ToolResult", "event", ["i"]);
  function askingFlow(calls: { ask: number; tool: number }) {
    return flowClass(
      {
        name: "Agent",
        startEvent: StartEvent,
        steps: [
          step("ask", [StartEvent], [ToolCall, InputRequiredEvent]),
          step("tool", [ToolCall], [ToolResult]),
          step("gather", [ToolResult], []),
          step("answer", [HumanResponseEvent], [StopEvent]),
        ],
      },
      {
        async ask(_ev, ctx) {
          calls.ask++;
          for (let i = 0; i < 3; i++) ctx.sendEvent(new ToolCall({ i }));
          ctx.sendEvent(new InputRequiredEvent({ prefix: "approve?" })); // sent, not returned: the asking step is still running
          await sleep(5);
        },
        async tool(ev) {
          calls.tool++;
          return new ToolResult({ i: ev.i });
        },
        gather: () => undefined,
        answer: (ev: HumanResponseEvent) => new StopEvent({ result: ev.response }),
      },
    );
  }

  it("publishes a sent input_required event with the asking step's outcome; saved then, it resumes without asking again", async () => {
    const calls = { ask: 0, tool: 0 };
    const Agent = askingFlow(calls);
    const handler = new Agent({ timeout: null }).run({});
    let saved = "";
    for await (const ev of handler.streamEvents()) {
      if (ev instanceof InputRequiredEvent) {
        saved = JSON.stringify(handler.ctx.toJSON()); // the natural moment
        handler.cancel();
        break;
      }
    }
    await handler.catch(() => undefined);
    expect(calls).toEqual({ ask: 1, tool: 3 });
    const restored = Context.fromJSON(new Agent({ timeout: null }), saved);
    expect(restored.toJSON().steps.ask).toBeUndefined(); // not in flight
    const resumed = new Agent({ timeout: null }).run(undefined, { ctx: restored });
    resumed.ctx.sendEvent(new HumanResponseEvent({ response: "yes" }));
    expect(await resumed).toBe("yes");
    expect(calls.ask).toBe(1);
    expect(calls.tool).toBe(3);
  });

  it("reports waiting, with nothing in flight, once the question is out and the tools are done", async () => {
    const Agent = askingFlow({ ask: 0, tool: 0 });
    const handler = new Agent({ timeout: null }).run({});
    for await (const ev of handler.streamEvents()) if (ev instanceof InputRequiredEvent) break;
    await sleep(1);
    expect(handler.status).toBe("waiting");
    expect(handler.ctx.status).toBe("waiting");
    handler.ctx.sendEvent(new HumanResponseEvent({ response: "go" }));
    expect(await handler).toBe("go");
  });
});

describe("attempts are fenced", () => {
  it("drops what a timed-out attempt does after its retry started", async () => {
    const resume = gate();
    const Billing = flowClass(
      {
        name: "Billing",
        startEvent: Go,
        state: z.object({ charges: z.number().default(0) }),
        steps: [step("charge", [Go], [Charge], { timeout: 0.02, retry: { attempts: 2, delay: 0, backoff: 1 } }), step("settle", [Charge], [Done])],
      },
      {
        async charge(_ev, ctx) {
          if (ctx.attempt === 1) await resume.promise; // wakes after its timeout
          await ctx.store.editState((s: any) => void (s.charges += 1));
          ctx.store.set(`by-${ctx.attempt}`, true);
          ctx.sendEvent(new Charge({ n: ctx.attempt }));
        },
        async settle(ev, ctx) {
          if (ev.n === 2) {
            resume.open();
            await sleep(10); // attempt 1 acts now, fenced
            return new Done({ value: ctx.store.getState() });
          }
        },
      },
    );
    const handler = new Billing().run({});
    const result = (await handler) as Event & { value: { charges: number } };
    expect(result.value).toEqual({ charges: 1 });
    expect(handler.ctx.store.get("by-1", "absent")).toBe("absent");
  });

  it("frees the context's lock when an attempt's state edit never settles", async () => {
    const never = new Promise<void>(() => undefined);
    let runs = 0;
    const Stuck = flowClass(
      { name: "Stuck", startEvent: Go, state: z.object({ n: z.number().default(0) }), steps: [step("edit", [Go], [Done], { timeout: 0.02 })] },
      {
        async edit(_ev, ctx) {
          runs++;
          if (runs === 1) await ctx.store.editState(() => never);
          await ctx.store.editState((s: any) => void (s.n += 1));
          return new Done({ value: ctx.store.getState() });
        },
      },
    );
    const flow = new Stuck();
    const ctx = new Context(flow);
    await expect(flow.run(undefined, { ctx })).rejects.toBeInstanceOf(WorkflowRuntimeError);
    const second = (await flow.run(undefined, { ctx })) as Event & { value: unknown };
    expect(second.value).toEqual({ n: 1 });
    await ctx.store.editState((s) => void ((s as { n: number }).n += 10)); // the outside too
    expect(ctx.store.getState()).toEqual({ n: 11 });
  });

  it("drops a stale attempt's stream writes and collects", async () => {
    const late = gate();
    const Streams = flowClass(
      { name: "Streams", startEvent: Go, steps: [step("slow", [Go], [Done], { timeout: 0.01, retry: { attempts: 2, delay: 0.03, backoff: 1 } })] },
      {
        async slow(_ev, ctx) {
          if (ctx.attempt === 1) {
            await sleep(20);
            ctx.writeEventToStream(new Charge({ n: "stale" }));
            late.open();
            return;
          }
          await late.promise;
          return new Done({ value: "ok" });
        },
      },
    );
    const handler = new Streams().run({});
    const events = await drain(handler.streamEvents());
    expect(events.map((e) => (e.constructor as EventClass).typeName)).toEqual(["Done"]);
  });
});

describe("timeouts", () => {
  it("names the step whose attempt timed out", async () => {
    const Slow = flowClass({ name: "Slow", startEvent: Go, steps: [step("slow", [Go], [Done], { timeout: 0.01 })] }, { slow: () => new Promise(() => undefined) });
    const error = await new Slow().run({}).then(() => null, (e: unknown) => e);
    expect((error as Error).message).toMatch(/Step "slow" failed after 1 attempt: Step "slow" attempt 1 timed out/);
    expect((error as Error & { cause?: unknown }).cause).toBeInstanceOf(WorkflowTimeoutError);
  });
});

describe("failures stay inside the run", () => {
  const Carry = eventClass("Carry", "event", ["payload"]);
  function carrying(bad: () => unknown) {
    return flowClass(
      { name: "Carrying", startEvent: Go, steps: [step("make", [Go], [Carry]), step("finish", [Carry], [Done])] },
      { make: () => new Carry({ payload: bad() }), finish: () => new Done({ value: "unreachable" }) },
    );
  }
  const cyclic = () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    return { nested: a };
  };

  it.each([
    ["a cycle", cyclic, /Carry field payload\.nested\.self is a cycle/],
    ["a BigInt", () => ({ big: 10n }), /Carry field payload\.big is a BigInt/],
    ["a revoked proxy", () => { const p = Proxy.revocable({}, {}); p.revoke(); return { p: p.proxy }; }, /Carry field payload\.p is a value whose properties cannot be read/],
  ])("fails the attempt naming the step and the path when an outcome holds %s (journaled)", async (_what, bad, message) => {
    const Flow = carrying(bad);
    const journal = new MemoryJournal();
    const handler = new Flow({ journal }).run(undefined, { runId: "bad" });
    const error = await handler.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowRuntimeError);
    expect((error as Error).message).toMatch(/Step "make" failed after 1 attempt: Step "make" produced a value that cannot be journaled/);
    expect((error as Error).message).toMatch(message);
    expect(journal.getRun("bad")!.status).toBe("failed");
    // Resuming settles as the run did: no crash, no loop.
    const again = await new Flow({ journal }).resume("bad").then(() => null, (e: unknown) => e);
    expect((again as Error).message).toBe((error as Error).message);
  });

  it("journals a thrown Object.create(null) or revoked proxy as a described error", async () => {
    for (const thrown of [Object.create(null), (() => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; })()]) {
      const Throws = flowClass({ name: "Throws", startEvent: Go, steps: [step("boom", [Go], [Done])] }, { boom: () => Promise.reject(thrown) });
      const journal = new MemoryJournal();
      const error = await new Throws({ journal }).run(undefined, { runId: "t" }).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowRuntimeError);
      expect((error as Error).message).toMatch(/Step "boom" failed after 1 attempt: (an object with no prototype|a value that cannot be read)/);
      expect(journal.getRun("t")!.status).toBe("failed");
    }
  });

  it("rejects the handler, never throws from run(), when the journal cannot create the run", async () => {
    const journal = new MemoryJournal();
    journal.createRun = () => {
      throw new Error("SQLITE_FULL: database or disk is full");
    };
    const Flow = carrying(() => 1);
    let handler: PromiseLike<unknown> | undefined;
    expect(() => (handler = new Flow({ journal }).run({}))).not.toThrow();
    await expect(handler).rejects.toThrow("disk is full");
  });

  it("fails the attempt when a step stores a value the journal cannot encode, and throws it to the step", async () => {
    let seen: unknown;
    const Stores = flowClass({ name: "Stores", startEvent: Go, steps: [step("put", [Go], [Done])] }, {
      put(_ev, ctx) {
        try {
          ctx.store.set("big", 1n);
        } catch (error) {
          seen = error;
          throw error;
        }
        return new Done({ value: 1 });
      },
    });
    const error = await new Stores({ journal: new MemoryJournal() }).run({}).then(() => null, (e: unknown) => e);
    expect((seen as Error).message).toMatch(/Step "put" produced a value that cannot be journaled: the store value is a BigInt/);
    expect((error as Error).message).toMatch(/Step "put" failed after 1 attempt/);
  });
});

describe("reads of a run", () => {
  it("handler.state() and handler.store() give the run's own values, as copies", async () => {
    const Counts = flowClass(
      { name: "Counts", startEvent: Go, state: z.object({ n: z.number().default(0) }), steps: [step("count", [Go], [Done])] },
      {
        async count(_ev, ctx) {
          await ctx.store.editState((s: any) => void (s.n = 7));
          ctx.store.set("seen", ["a"]);
          return new Done({ value: 1 });
        },
      },
    );
    const handler = new Counts().run({});
    await handler;
    expect(await handler.state()).toEqual({ n: 7 });
    const store = await handler.store();
    expect(store).toEqual({ seen: ["a"] });
    (store.seen as string[]).push("b");
    expect(await handler.store()).toEqual({ seen: ["a"] });
  });
});

describe("defaults", () => {
  it("a nested type's field default is in the event a step receives (it was silently missing)", async () => {
    const Critique = z.object({ text: z.string(), score: z.number().int().default(5) });
    const Review = class extends Event {
      static override readonly typeName = "Review";
      static override readonly kind = "start";
      static override readonly schema = z.object({ critique: Critique });
      readonly critique: { text: string; score?: number };
      constructor(data: { critique: { text: string; score?: number } }) {
        super();
        this.critique = data.critique;
      }
    } as unknown as AnyEventClass;
    const Reviewing = flowClass({ name: "Reviewing", startEvent: Review, steps: [step("read", [Review], [Done])] }, { read: (ev) => new Done({ value: ev.critique.score }) });
    expect(await new Reviewing().run({ critique: { text: "fine" } })).toMatchObject({ value: 5 });
  });
});
