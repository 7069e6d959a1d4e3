// The server benchmark's workflows, in the generated shape: `TrivialFlow` (start → a → b → stop, the
// reference's `trivial`) and `TickerFlow` (writes `count` timestamped ticks `gapMs` apart, for the
// stream latency).

import { Event, StartEvent, StopEvent, Workflow, z, type StepContext, type WorkflowDefinition, type WorkflowOptions } from "flowspec/runtime";

type NoState = Record<string, never>;

export class Mid extends Event {
  static override readonly typeName = "Mid";
  static override readonly kind = "event";
  static override readonly schema = z.object({ n: z.number().int() });
  declare private readonly __brand: "Mid";
  readonly n: number;
  constructor(data: { n: number }) {
    super();
    this.n = data.n;
  }
}

abstract class TrivialFlowBase extends Workflow<NoState, NoState, void, unknown> {
  static readonly definition: WorkflowDefinition = {
    name: "TrivialFlow",
    timeout: null,
    startEvent: StartEvent,
    events: [StartEvent, Mid, StopEvent],
    steps: [
      { name: "a", method: "a", accepts: [StartEvent], emits: [Mid], resources: [], workers: 4 },
      { name: "b", method: "b", accepts: [Mid], emits: [StopEvent], resources: [], workers: 4 },
    ],
    resources: {},
  };
  constructor(options?: WorkflowOptions<NoState>) {
    super(TrivialFlowBase.definition, options);
  }
  abstract a(ev: StartEvent, ctx: StepContext<NoState, Mid>): Promise<Mid | void>;
  abstract b(ev: Mid, ctx: StepContext<NoState, StopEvent>): Promise<StopEvent | void>;
}

export class TrivialFlow extends TrivialFlowBase {
  async a(): Promise<Mid> {
    return new Mid({ n: 1 });
  }
  async b(ev: Mid): Promise<StopEvent> {
    return new StopEvent({ result: ev.n + 1 });
  }
}

export class TickStart extends Event {
  static override readonly typeName = "TickStart";
  static override readonly kind = "start";
  static override readonly schema = z.object({ count: z.number().int(), gapMs: z.number(), delayMs: z.number() });
  declare private readonly __brand: "TickStart";
  readonly count: number;
  readonly gapMs: number;
  readonly delayMs: number;
  constructor(data: { count: number; gapMs: number; delayMs: number }) {
    super();
    this.count = data.count;
    this.gapMs = data.gapMs;
    this.delayMs = data.delayMs;
  }
}

export class Tick extends Event {
  static override readonly typeName = "Tick";
  static override readonly kind = "stream";
  static override readonly schema = z.object({ i: z.number().int(), t: z.number() });
  declare private readonly __brand: "Tick";
  readonly i: number;
  readonly t: number;
  constructor(data: { i: number; t: number }) {
    super();
    this.i = data.i;
    this.t = data.t;
  }
}

abstract class TickerFlowBase extends Workflow<NoState, NoState, { count: number; gapMs: number; delayMs: number }, unknown> {
  static readonly definition: WorkflowDefinition = {
    name: "TickerFlow",
    timeout: null,
    startEvent: TickStart,
    events: [TickStart, Tick, StopEvent],
    steps: [{ name: "tick", method: "tick", accepts: [TickStart], emits: [StopEvent], resources: [], workers: 1 }],
    resources: {},
  };
  constructor(options?: WorkflowOptions<NoState>) {
    super(TickerFlowBase.definition, options);
  }
  abstract tick(ev: TickStart, ctx: StepContext<NoState, StopEvent, Tick>): Promise<StopEvent | void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const wallMs = () => performance.timeOrigin + performance.now();

export class TickerFlow extends TickerFlowBase {
  async tick(ev: TickStart, ctx: StepContext<NoState, StopEvent, Tick>): Promise<StopEvent> {
    await sleep(ev.delayMs);
    for (let i = 0; i < ev.count; i++) {
      ctx.writeEventToStream(new Tick({ i, t: wallMs() }));
      await sleep(ev.gapMs);
    }
    return new StopEvent({ result: ev.count });
  }
}
