// A DBOS run's status in flowspec's words (running, waiting, completed, failed, cancelled,
// timed_out) and why it waits: one mapping for `DbosRuntime.inspect` and `flowspec runs --pg`.

import type { SerializedError } from "../runtime/index.js";
import { versionGapReason } from "./workers.js";

export type DbosRunStatus = "running" | "waiting" | "completed" | "failed" | "cancelled" | "timed_out";

/** Statuses DBOS keeps a live run in. */
export const LIVE: ReadonlySet<string> = new Set(["PENDING", "ENQUEUED", "DELAYED"]);

export interface StatusRow {
  readonly status: string;
  readonly error?: unknown;
  readonly queueName?: string | null;
  readonly recoveryAttempts?: number;
}

/**
 * A DBOS run's flowspec status and reason, as `DbosRuntime.inspect` reports it. `phase`: its
 * `flowspec.status` event (`"waiting"` once nothing is in flight or queued); `served`: the queues a
 * live worker dequeues (null when no worker ever registered, or not known).
 */
export function statusOf(s: StatusRow, phase: string | null, served: ReadonlySet<string> | null): { status: DbosRunStatus; reason: string | null } {
  if (s.status === "SUCCESS") return { status: "completed", reason: null };
  if (s.status === "CANCELLED") return { status: "cancelled", reason: null };
  if (s.status === "ERROR") {
    const name = errorOf(s.error)?.name;
    return { status: name === "WorkflowCancelledError" ? "cancelled" : name === "WorkflowTimeoutError" ? "timed_out" : "failed", reason: null };
  }
  if (s.status === "MAX_RECOVERY_ATTEMPTS_EXCEEDED") {
    return { status: "failed", reason: `DBOS gave up recovering it after ${s.recoveryAttempts ?? "too many"} attempts (MAX_RECOVERY_ATTEMPTS_EXCEEDED)` };
  }
  if (LIVE.has(s.status)) {
    const queue = s.queueName ?? null;
    if (s.status !== "PENDING" && queue !== null && served !== null && !served.has(queue)) return { status: "waiting", reason: versionGapReason(queue) };
    return phase === "waiting" ? { status: "waiting", reason: "waiting for an event from outside" } : { status: "running", reason: null };
  }
  return { status: "failed", reason: `unknown DBOS status ${s.status}` };
}

/** The run's error as flowspec serialized it (carried in the DBOS error's `flowspec` property), else DBOS's name and message. */
export function errorOf(error: unknown): { name: string; message: string } | null {
  if (error === null || error === undefined) return null;
  const carried = (error as { flowspec?: SerializedError }).flowspec;
  if (carried !== undefined && carried !== null && typeof carried === "object" && typeof carried.name === "string") return { name: carried.name, message: String(carried.message) };
  if (typeof error === "object") return { name: String((error as Error).name ?? "Error"), message: String((error as Error).message ?? "") };
  return { name: "Error", message: String(error) };
}
