// Smaller guarantees: logging only under verbose, resource caching, idle contexts, cancelled snapshots.

import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  Context,
  Event,
  HumanResponseEvent,
  StartEvent,
  StopEvent,
  Workflow,
  WorkflowCancelledError,
  WorkflowRuntimeError,
  WorkflowValidationError,
  type StepContext,
  type WorkflowDefinition,
} from "flowspec/runtime";
import { HumanInTheLoopFlowBase } from "../../generated/human-in-the-loop.js";
import { CritiqueReady, JokeFlowBase, JokeRequested, JokeWritten } from "./fixtures/joke.js";
import { gate, sleep } from "./helpers.js";

class JokeFlow extends JokeFlowBase {
  async generateJoke(ev: JokeRequested): Promise<JokeWritten | void> {
    return new JokeWritten({ joke: ev.topic });
  }
  async critiqueJoke(ev: JokeWritten): Promise<CritiqueReady | void> {
    return new CritiqueReady({ critique: { text: ev.joke, score: 1 } });
  }
}

afterEach(() => void vi.restoreAllMocks());

describe("verbose", () => {
  it("writes to the console only when verbose", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    await new JokeFlow().run({ topic: "quiet" });
    expect(log).not.toHaveBeenCalled();
    await new JokeFlow({ verbose: true }).run({ topic: "loud" });
    expect(log.mock.calls.map((c) => String(c[0])).join("\n")).toMatch(/generate_joke attempt 1[\s\S]*completed/);
  });
});

class Tick extends Event {
  static override readonly typeName = "Tick";
  static override readonly kind = "event";
  static override readonly schema = z.object({ i: z.number() });
  readonly i: number;
  constructor(data: { i: number }) {
    super();
    this.i = data.i;
  }
}

describe("resources", () => {
  it("makes an async cached resource once per run, even for concurrent first users", async () => {
    let made = 0;
    const definition: WorkflowDefinition = {
      name: "PoolFlow",
      startEvent: StartEvent,
      events: [Tick],
      steps: [
        { name: "fan", method: "fan", accepts: [StartEvent], emits: [Tick], resources: [], workers: 1 },
        { name: "use", method: "use", accepts: [Tick], emits: [StopEvent], resources: ["pool"], workers: 4 },
      ],
      resources: {
        pool: {
          cache: true,
          factory: async () => {
            made++;
            await sleep(5);
            return { id: made };
          },
        },
      },
    };
    const seen: number[] = [];
    class PoolFlow extends Workflow {
      constructor() {
        super(definition);
      }
      async fan(_ev: StartEvent, ctx: StepContext<Record<string, never>, Tick>) {
        for (let i = 0; i < 4; i++) ctx.sendEvent(new Tick({ i }));
      }
      async use(ev: Tick, _ctx: StepContext, { pool }: { pool: { id: number } }) {
        seen.push(pool.id);
        await sleep(1);
        if (seen.length % 4 === 0) return new StopEvent({ result: ev.i });
      }
    }
    const flow = new PoolFlow();
    await flow.run();
    expect(made).toBe(1);
    expect(seen).toEqual([1, 1, 1, 1]);
    await flow.run();
    expect(made).toBe(2);
    expect(seen.slice(4)).toEqual([2, 2, 2, 2]);
  });

  it("refuses overrides of resources the workflow does not have", () => {
    expect(() => new JokeFlow({ resources: { nope: () => 1 } as never })).toThrow('no resource "nope"');
  });
});

describe("contexts between runs", () => {
  it("throws, rather than failing a run, on a bad send into an idle context", () => {
    const ctx = new Context(new JokeFlow());
    expect(() => ctx.sendEvent(new JokeWritten({ joke: 1 as unknown as string }))).toThrow(WorkflowValidationError);
    expect(() => ctx.sendEvent(new JokeWritten({ joke: "x" }), { step: "nope" })).toThrow(WorkflowRuntimeError);
    ctx.writeEventToStream(new JokeWritten({ joke: "dropped" })); // no run: dropped silently
  });

  it("serializes a cancelled run with its in-flight step, and resumes it elsewhere", async () => {
    const hold = gate();
    let calls = 0;
    class Held extends JokeFlow {
      override async generateJoke(ev: JokeRequested): Promise<JokeWritten | void> {
        calls++;
        if (calls === 1) await hold.promise;
        return new JokeWritten({ joke: `${ev.topic}#${calls}` });
      }
    }
    const handler = new Held().run({ topic: "t" });
    await sleep(5);
    handler.cancel();
    await expect(handler).rejects.toBeInstanceOf(WorkflowCancelledError);
    const json = handler.ctx.toJSON();
    expect(json.status).toBe("cancelled");
    expect(json.steps["generate_joke"]!.inFlight).toHaveLength(1);
    hold.open(); // the cancelled attempt finishing late changes nothing
    await sleep(1);
    expect(handler.ctx.toJSON()).toEqual(json);

    const flow = new Held();
    const result = await flow.run(undefined, { ctx: Context.fromJSON(flow, JSON.stringify(json)) });
    expect(result.critique.text).toBe("t#2");
  });

  it("starts afresh with an input even on a resumable context", async () => {
    class Asking extends HumanInTheLoopFlowBase {
      async step1() {
        return new (await import("flowspec/runtime")).InputRequiredEvent({ prefix: "?" });
      }
      async step2(ev: HumanResponseEvent) {
        return new StopEvent({ result: ev.response });
      }
    }
    const flow = new Asking();
    const first = flow.run();
    await sleep(5);
    first.cancel();
    await first.catch(() => undefined);
    const again = flow.run(undefined, { ctx: first.ctx }); // resumes: still waiting for the human
    again.ctx.sendEvent(new HumanResponseEvent({ response: "r" }));
    expect(await again).toBe("r");
  });
});

describe("events and errors", () => {
  it("gives an event's fields from toJSON, with a stable type name on its class", async () => {
    const { InputRequiredEvent, JournalMismatchError, WorkflowTimeoutError } = await import("flowspec/runtime");
    expect(new JokeWritten({ joke: "x" }).toJSON()).toEqual({ joke: "x" });
    expect(new StopEvent({ result: { a: 1 } }).toJSON()).toEqual({ result: { a: 1 } });
    expect(JSON.parse(JSON.stringify(new InputRequiredEvent({ prefix: "?" })))).toEqual({ prefix: "?" });
    expect([StartEvent.typeName, StopEvent.typeName, JokeWritten.typeName]).toEqual(["StartEvent", "StopEvent", "JokeWritten"]);
    const errors = [
      new WorkflowTimeoutError("t", 1, []),
      new WorkflowCancelledError(),
      new WorkflowRuntimeError("r"),
      new WorkflowValidationError("E", []),
      new JournalMismatchError("j"),
    ];
    expect(errors.map((e) => e.name)).toEqual(errors.map((e) => e.constructor.name));
    expect(errors.every((e) => e instanceof Error)).toBe(true);
  });
});
