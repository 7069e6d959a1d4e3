// The user class of specs/durable.yaml (generated/durable.ts): what the example and the crash
// tests run. Every step body reports itself to the probe once per execution with a key unique
// per delivery, then works (the probe's delay), then does its writes and returns in one go: its
// store/state/stream writes and its outcome are journaled in the same batch, so a run resumed
// after a crash ends with exactly the state, store and stream of an uninterrupted run.

import {
  ChunkDone,
  Chunk,
  DurableFlowBase,
  Finished,
  Progress,
  RoundDone,
  RoundStarted,
  type Begin,
  type DurableFlowContext,
  type DurableFlowSteps,
} from "../../generated/durable.js";

/** The value of a chunk: deterministic, so runs can be compared. */
export function chunkValue(round: number, part: number): number {
  return (round + 1) * 100 + part * part;
}

export class DurableFlow extends DurableFlowBase {
  async begin(ev: Begin, ctx: DurableFlowContext<"begin">, { probe }: DurableFlowSteps["begin"]["resources"]) {
    probe.effect("begin", "begin");
    await probe.delay("begin");
    ctx.store.set("config", { rounds: ev.rounds, width: ev.width });
    ctx.writeEventToStream(new Progress({ message: `starting ${ev.rounds} rounds of ${ev.width}` }));
    return new RoundStarted({ round: 0 });
  }

  async fanOut(ev: RoundStarted, ctx: DurableFlowContext<"fanOut">, { probe }: DurableFlowSteps["fanOut"]["resources"]) {
    probe.effect("fan_out", `fan_out:${ev.round}`);
    await probe.delay("fan_out");
    const { width } = ctx.store.get<{ width: number }>("config");
    await ctx.store.editState((s) => {
      s.round = ev.round;
    });
    ctx.writeEventToStream(new Progress({ message: `round ${ev.round}` }));
    for (let part = 0; part < width; part++) ctx.sendEvent(new Chunk({ round: ev.round, part }));
  }

  async work(ev: Chunk, ctx: DurableFlowContext<"work">, { probe }: DurableFlowSteps["work"]["resources"]) {
    probe.effect("work", `work:${ev.round}.${ev.part}`);
    await probe.delay("work");
    const value = chunkValue(ev.round, ev.part);
    ctx.store.set(`chunk:${ev.round}.${ev.part}`, value);
    ctx.writeEventToStream(new Progress({ message: `chunk ${ev.round}.${ev.part} = ${value}` }));
    return new ChunkDone({ round: ev.round, part: ev.part, value });
  }

  async gather(ev: ChunkDone, ctx: DurableFlowContext<"gather">, { probe }: DurableFlowSteps["gather"]["resources"]) {
    probe.effect("gather", `gather:${ev.round}.${ev.part}`);
    await probe.delay("gather");
    const { width } = ctx.store.get<{ width: number }>("config");
    const all = ctx.collectEvents(ev, new Array<typeof ChunkDone>(width).fill(ChunkDone));
    if (all === null) return;
    const total = all.reduce((sum, c) => sum + c.value, 0);
    await ctx.store.editState((s) => {
      const totals = [...s.totals];
      totals[ev.round] = total;
      s.totals = totals;
    });
    return new RoundDone({ round: ev.round, total });
  }

  async nextRound(ev: RoundDone, ctx: DurableFlowContext<"nextRound">, { probe }: DurableFlowSteps["nextRound"]["resources"]) {
    probe.effect("next_round", `next_round:${ev.round}`);
    await probe.delay("next_round");
    const { rounds } = ctx.store.get<{ rounds: number }>("config");
    ctx.writeEventToStream(new Progress({ message: `round ${ev.round} total ${ev.total}` }));
    if (ev.round + 1 < rounds) return new RoundStarted({ round: ev.round + 1 });
    const total = ctx.store.getState().totals.reduce((a, b) => a + b, 0);
    return new Finished({ rounds, total });
  }
}
