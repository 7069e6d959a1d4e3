// The benchmark's workflows, in the generated shape (docs/generated-shape.md), with their user
// classes. `sample()` is called every 8192 events so peak memory is seen even by engines that
// never yield to the event loop.

import { z } from "zod";
import { Event, Workflow, type StepContext, type WorkflowDefinition, type WorkflowOptions } from "flowspec/runtime";

export class PingStart extends Event {
  static override readonly typeName = "PingStart";
  static override readonly kind = "start";
  static override readonly schema = z.object({ n: z.number().int() });
  declare private readonly __brand: "PingStart";
  readonly n: number;
  constructor(data: { n: number }) {
    super();
    this.n = data.n;
  }
}

export class Ping extends Event {
  static override readonly typeName = "Ping";
  static override readonly kind = "event";
  static override readonly schema = z.object({ n: z.number().int() });
  declare private readonly __brand: "Ping";
  readonly n: number;
  constructor(data: { n: number }) {
    super();
    this.n = data.n;
  }
}

export class Pong extends Event {
  static override readonly typeName = "Pong";
  static override readonly kind = "event";
  static override readonly schema = z.object({ n: z.number().int() });
  declare private readonly __brand: "Pong";
  readonly n: number;
  constructor(data: { n: number }) {
    super();
    this.n = data.n;
  }
}

export class Done extends Event {
  static override readonly typeName = "Done";
  static override readonly kind = "stop";
  static override readonly schema = z.object({ count: z.number().int() });
  declare private readonly __brand: "Done";
  readonly count: number;
  constructor(data: { count: number }) {
    super();
    this.count = data.count;
  }
}

export class Item extends Event {
  static override readonly typeName = "Item";
  static override readonly kind = "event";
  static override readonly schema = z.object({ i: z.number().int() });
  declare private readonly __brand: "Item";
  readonly i: number;
  constructor(data: { i: number }) {
    super();
    this.i = data.i;
  }
}

export class Result extends Event {
  static override readonly typeName = "Result";
  static override readonly kind = "event";
  static override readonly schema = z.object({ i: z.number().int(), square: z.number().int() });
  declare private readonly __brand: "Result";
  readonly i: number;
  readonly square: number;
  constructor(data: { i: number; square: number }) {
    super();
    this.i = data.i;
    this.square = data.square;
  }
}

/** Peak-memory sampling hook, set by the harness. */
export const memory = { sample: (): void => undefined };

type NoState = Record<string, never>;

abstract class PingPongFlowBase extends Workflow<NoState, NoState, { n: number }, Done> {
  static readonly definition: WorkflowDefinition = {
    name: "PingPongFlow",
    timeout: null,
    startEvent: PingStart,
    events: [PingStart, Ping, Pong, Done],
    steps: [
      { name: "ping", method: "ping", accepts: [PingStart, Pong], emits: [Ping, Done], resources: [], workers: 1 },
      { name: "pong", method: "pong", accepts: [Ping], emits: [Pong], resources: [], workers: 1 },
    ],
    resources: {},
  };
  constructor(options?: WorkflowOptions<NoState>) {
    super(PingPongFlowBase.definition, options);
  }
  abstract ping(ev: PingStart | Pong, ctx: StepContext<NoState, Ping | Done>): Promise<Ping | Done | void>;
  abstract pong(ev: Ping, ctx: StepContext<NoState, Pong>): Promise<Pong | void>;
}

/** Ping-pong: every hop is one event between two steps; `n` hops in all. */
export class PingPongFlow extends PingPongFlowBase {
  async ping(ev: PingStart | Pong): Promise<Ping | Done> {
    if ((ev.n & 8191) === 0) memory.sample();
    return ev.n <= 0 ? new Done({ count: 0 }) : new Ping({ n: ev.n - 1 });
  }
  async pong(ev: Ping): Promise<Pong> {
    return new Pong({ n: ev.n - 1 });
  }
}

abstract class FanBenchFlowBase extends Workflow<NoState, NoState, { n: number }, Done> {
  static readonly definition: WorkflowDefinition = {
    name: "FanBenchFlow",
    timeout: null,
    startEvent: PingStart,
    events: [PingStart, Item, Result, Done],
    steps: [
      { name: "split", method: "split", accepts: [PingStart], emits: [Item], resources: [], workers: 1 },
      { name: "work", method: "work", accepts: [Item], emits: [Result], resources: [], workers: 8 },
      { name: "join", method: "join", accepts: [Result], emits: [Done], resources: [], workers: 1 },
    ],
    resources: {},
  };
  constructor(options?: WorkflowOptions<NoState>) {
    super(FanBenchFlowBase.definition, options);
  }
  abstract split(ev: PingStart, ctx: StepContext<NoState, Item>): Promise<Item | void>;
  abstract work(ev: Item, ctx: StepContext<NoState, Result>): Promise<Result | void>;
  abstract join(ev: Result, ctx: StepContext<NoState, Done>): Promise<Done | void>;
}

/** Fan-out/fan-in: `n` items sent at once, squared by 8 workers, joined by collectEvents. */
export class FanBenchFlow extends FanBenchFlowBase {
  private want: (typeof Result)[] = [];
  async split(ev: PingStart, ctx: StepContext<NoState, Item>): Promise<void> {
    this.want = new Array<typeof Result>(ev.n).fill(Result); // the request list, built once per run
    for (let i = 0; i < ev.n; i++) ctx.sendEvent(new Item({ i }));
  }
  async work(ev: Item): Promise<Result> {
    if ((ev.i & 8191) === 0) memory.sample();
    return new Result({ i: ev.i, square: ev.i * ev.i });
  }
  async join(ev: Result, ctx: StepContext<NoState, Done>): Promise<Done | void> {
    const all = ctx.collectEvents(ev, this.want);
    if (all === null) return;
    let sum = 0;
    for (const r of all) sum += r.square > 0 ? 1 : 0;
    return new Done({ count: sum + 1 });
  }
}

abstract class DeepFlowBase extends Workflow<NoState, NoState, { n: number }, Done> {
  static readonly definition: WorkflowDefinition = {
    name: "DeepFlow",
    timeout: null,
    startEvent: PingStart,
    events: [PingStart, Ping, Done],
    steps: [{ name: "relay", method: "relay", accepts: [PingStart, Ping], emits: [Ping, Done], resources: [], workers: 1 }],
    resources: {},
  };
  constructor(options?: WorkflowOptions<NoState>) {
    super(DeepFlowBase.definition, options);
  }
  abstract relay(ev: PingStart | Ping, ctx: StepContext<NoState, Ping | Done>): Promise<Ping | Done | void>;
}

/** Deep synchronous sends: a plain (non-async) step that sends the next hop before returning. */
export class DeepFlow extends DeepFlowBase {
  relay(ev: PingStart | Ping, ctx: StepContext<NoState, Ping | Done>): Promise<void> {
    if ((ev.n & 8191) === 0) memory.sample();
    ctx.sendEvent(ev.n <= 0 ? new Done({ count: 0 }) : new Ping({ n: ev.n - 1 }));
    return undefined as unknown as Promise<void>; // synchronous on purpose
  }
}
