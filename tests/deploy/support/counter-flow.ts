// A version of the counter spec as a workflow class of this test process: the spec compiled,
// imported, and given the step code every version shares.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { compile } from "../../../compiler/compile.js";
import type { Journal, StepContext } from "flowspec/runtime";

const dir = join(import.meta.dirname, "..", ".tmp", String(process.pid));
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let loaded = 0;
/** Compiles a spec into a module of this test process and returns a workflow class with the shared step code. */
export async function flowOf(spec: string) {
  const out = compile(spec, { path: "counter.yaml" });
  expect(out.diagnostics.filter((d) => d.severity === "error"), spec).toEqual([]);
  const file = join(dir, `counter-${loaded++}.ts`);
  writeFileSync(file, out.files[0]!.contents);
  const G = (await import(file)) as any;
  const field = /index: integer/.test(spec) ? "index" : "i";
  class Counter extends G.CounterBase {
    stopAfter = Infinity;
    constructor(options: { journal: Journal; timeout: null }) {
      super(options);
    }
    async begin(ev: any, ctx: StepContext<any, any>) {
      ctx.store.set("n", ev.n);
      return new G.Tick({ [field]: 0 });
    }
    async count(ev: any, ctx: StepContext<any, any>) {
      const i = Number(ev[field]) + 1;
      if (i > this.stopAfter) return new Promise(() => undefined); // stopped here: in flight when cancelled
      await ctx.store.editState((s: any) => void (s.total += 1));
      if (i >= ctx.store.get<number>("n")) return new G.Finished({ total: ctx.store.getState().total });
      return new G.Tick({ [field]: i });
    }
    async tally(ev: any, ctx: StepContext<any, any>) {
      return this.count(ev, ctx);
    }
    async audit() {}
  }
  return Counter;
}


/** Resolves once the run has journaled `total` state edits. */
export async function untilTotal(handler: { state(): Promise<unknown> }, total: number): Promise<void> {
  while (((await handler.state()) as { total: number }).total < total) await new Promise((r) => setTimeout(r, 1));
}
