// Reads a DBOS run from any process: its recorded `flowspec.tick` batches, replayed into a fresh
// context with the same reducer the live run and the recorder use. What `handler.state()` and
// `handler.store()` return: the run's values as of its last checkpoint, never a default.

import { DBOS } from "@dbos-inc/dbos-sdk";
import { Context, reduce, runStateOf, workflowInfo } from "../runtime/backend.js";
import type { AnyFlow } from "./as-dbos.js";
import { decodeTick, type SerializedTick } from "./codec.js";
import { RunNotFoundError } from "./errors.js";

/** The name of the DBOS step that records a batch of ticks (tick 0 is `{ fingerprint, shape, tick }`). */
export const TICK_STEP = "flowspec.tick";

/** The ticks of one recorded `flowspec.tick` output, in order. */
export function ticksOf(output: unknown): SerializedTick[] {
  if (typeof output === "string") output = JSON.parse(output); // a batch recorded in format 2: its JSON text
  if (Array.isArray(output)) return output.flatMap((e: { t?: SerializedTick }) => (e?.t === undefined ? [] : [e.t]));
  const first = (output as { tick?: SerializedTick } | null)?.tick;
  return first === undefined ? [] : [first];
}

/**
 * The run's context rebuilt from its checkpoints. Rejects with `RunNotFoundError` for a run the
 * system database does not know (or one of another workflow).
 */
export async function readRun(flow: AnyFlow, runId: string): Promise<Context<any>> {
  const { definition, env } = workflowInfo(flow);
  const name = definition.name;
  const status = await DBOS.getWorkflowStatus(runId);
  if (status === null || status.workflowName !== `flowspec.${name}`) throw new RunNotFoundError(runId, name);
  const steps = (await DBOS.listWorkflowSteps(runId)) ?? [];
  const ctx = new Context(flow);
  const run = runStateOf(ctx);
  for (const step of steps) {
    if (step.name !== TICK_STEP || step.error != null) continue;
    for (const t of ticksOf(step.output)) reduce(run, decodeTick(t, env), env);
  }
  return ctx;
}

/** The store of a rebuilt context as a plain object. */
export function storeOf(ctx: Context<any>): Record<string, unknown> {
  return structuredClone(Object.fromEntries(runStateOf(ctx).store.entries()));
}
