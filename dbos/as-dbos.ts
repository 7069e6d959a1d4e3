// How flowspec/dbos types workflows: any workflow, and one constructed with a DbosRuntime (`asDbos`).

import type { Workflow } from "../runtime/index.js";
import type { DbosHandler } from "./handler.js";
import { isDbosFlow } from "./runtime.js";

/** A workflow of any state, context, start and result type. */
export type AnyFlow = Workflow<any, any, any, any>;

type StartOf<F> = F extends Workflow<any, any, infer S, any> ? S : never;
type ResultOf<F> = F extends Workflow<any, any, any, infer R> ? R : never;
type StateOf<F> = F extends Workflow<infer S, any, any, any> ? S : never;

/** A workflow constructed with a `DbosRuntime`, as `asDbos(flow)` types it: `run`/`resume` return a `DbosHandler`. */
export type DbosWorkflow<F> = Omit<F, "run" | "resume" | "resumeAll"> & {
  run(input: StartOf<F>, options?: { readonly runId?: string }): DbosHandler<ResultOf<F>, StateOf<F>>;
  resume(runId: string): DbosHandler<ResultOf<F>, StateOf<F>>;
  resumeAll(): Promise<DbosHandler<ResultOf<F>, StateOf<F>>[] & { readonly skipped: readonly { runId: string; error: Error }[] }>;
};

/**
 * `flow`, typed with what a `DbosRuntime` made of it. Not needed to run (the generated class's own
 * `run` works and returns the same handler); it gives `handler.enqueued`, `streamEvents({ from })`
 * and a `sendEvent` that returns its promise their types.
 */
export function asDbos<F extends AnyFlow>(flow: F): DbosWorkflow<F> {
  if (!isDbosFlow(flow)) throw new TypeError("This workflow was not constructed with a DbosRuntime ({ runtime })");
  return flow as unknown as DbosWorkflow<F>;
}
