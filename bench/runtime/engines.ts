// The same work through three engines: flowspec, @llamaindex/workflow-core, and hand-written
// async code. Each engine function runs one complete workflow of size `n` and resolves when done.

import { createWorkflow, workflowEvent, type WorkflowEventData } from "@llamaindex/workflow-core";
import type { Event, EventClass } from "flowspec/runtime";
import { DeepFlow, Done, FanBenchFlow, Item, memory, Ping, PingPongFlow, PingStart, Pong, type Result } from "./flows.js";

export type Run = (n: number) => PromiseLike<unknown>;

// --- flowspec -------------------------------------------------------------------------------

const pingPong = new PingPongFlow();
const fan = new FanBenchFlow();
const deep = new DeepFlow();

export const flowspec: Record<string, Run> = {
  pingpong: (n) => pingPong.run({ n }),
  fan: (n) => fan.run({ n }),
  deep: (n) => deep.run({ n }),
};

// --- @llamaindex/workflow-core ---------------------------------------------------------------
// Fastest reasonable idiom: async handlers returning the next event, and a handler on the stop
// event resolving a promise, so the (lazily created) ReadableStream is never touched. The
// documented idiom reads the stream instead: `stream.until(stop).toArray()` (README "Trigger
// workflow"); measured separately as "workflow-core (documented)". workflow-core has no
// collectEvents: the fan-in handler counts results, which is how its README's fan-out example
// coordinates too (with a shared condition).

type N = { n: number };

function wcPingPong(n: number, documented: boolean): Promise<unknown> {
  const start = workflowEvent<N>();
  const ping = workflowEvent<N>();
  const pong = workflowEvent<N>();
  const stop = workflowEvent<N>();
  const wf = createWorkflow();
  const onPing = async (_ctx: unknown, ev: WorkflowEventData<N>) => {
    if ((ev.data.n & 8191) === 0) memory.sample();
    return ev.data.n <= 0 ? stop.with({ n: 0 }) : ping.with({ n: ev.data.n - 1 });
  };
  wf.handle([start], onPing);
  wf.handle([pong], onPing);
  wf.handle([ping], async (_ctx, ev) => pong.with({ n: ev.data.n - 1 }));
  if (documented) {
    const { stream, sendEvent } = wf.createContext();
    sendEvent(start.with({ n }));
    return stream.until(stop).toArray();
  }
  return new Promise((resolve) => {
    wf.handle([stop], () => resolve(undefined));
    wf.createContext().sendEvent(start.with({ n }));
  });
}

function wcFan(n: number): Promise<unknown> {
  const start = workflowEvent<N>();
  const item = workflowEvent<{ i: number }>();
  const result = workflowEvent<{ i: number; square: number }>();
  const stop = workflowEvent<{ count: number }>();
  const wf = createWorkflow();
  wf.handle([start], async (ctx, ev) => {
    for (let i = 0; i < ev.data.n; i++) ctx.sendEvent(item.with({ i }));
  });
  wf.handle([item], async (_ctx, ev) => {
    if ((ev.data.i & 8191) === 0) memory.sample();
    return result.with({ i: ev.data.i, square: ev.data.i * ev.data.i });
  });
  let count = 0;
  wf.handle([result], async () => (++count === n ? stop.with({ count }) : undefined));
  return new Promise((resolve) => {
    wf.handle([stop], () => resolve(undefined));
    wf.createContext().sendEvent(start.with({ n }));
  });
}

function wcDeep(n: number): Promise<unknown> {
  const start = workflowEvent<N>();
  const hop = workflowEvent<N>();
  const stop = workflowEvent<N>();
  const wf = createWorkflow();
  const relay = (ctx: { sendEvent: (e: WorkflowEventData<N>) => void }, ev: WorkflowEventData<N>) => {
    if ((ev.data.n & 8191) === 0) memory.sample();
    ctx.sendEvent(ev.data.n <= 0 ? stop.with({ n: 0 }) : hop.with({ n: ev.data.n - 1 }));
  };
  wf.handle([start], relay); // synchronous handlers, like DeepFlow's step
  wf.handle([hop], relay);
  return new Promise((resolve, reject) => {
    wf.handle([stop], () => resolve(undefined));
    try {
      wf.createContext().sendEvent(start.with({ n }));
    } catch (error) {
      reject(error);
    }
  });
}

export const workflowCore: Record<string, Run> = {
  pingpong: (n) => wcPingPong(n, false),
  fan: wcFan,
  deep: wcDeep,
};

export const workflowCoreDocumented: Record<string, Run> = {
  pingpong: (n) => wcPingPong(n, true),
};

// --- hand-written ----------------------------------------------------------------------------
// The same step methods and event classes, called by a plain await loop (ping-pong) and
// Promise.all (fan-out/fan-in). The "+zod" variant also validates every event, as flowspec does.

function handWritten(validate: boolean): Record<string, Run> {
  const check = validate ? (ev: Event) => void (ev.constructor as EventClass).schema.parse(ev) : () => undefined;
  return {
    pingpong: async (n) => {
      let ev: Event = new PingStart({ n });
      check(ev);
      while (!(ev instanceof Done)) {
        ev = ev instanceof Ping ? await pingPong.pong(ev) : await pingPong.ping(ev as PingStart | Pong);
        check(ev);
      }
      return ev;
    },
    fan: async (n) => {
      const start = new PingStart({ n });
      check(start);
      const items: Item[] = [];
      for (let i = 0; i < n; i++) {
        const it = new Item({ i });
        check(it);
        items.push(it);
      }
      const results: Result[] = await Promise.all(
        items.map(async (it) => {
          const r = await fan.work(it);
          check(r);
          return r;
        }),
      );
      let sum = 0;
      for (const r of results) sum += r.square > 0 ? 1 : 0;
      const done = new Done({ count: sum + 1 });
      check(done);
      return done;
    },
  };
}

export const baseline = handWritten(false);
export const baselineZod = handWritten(true);
