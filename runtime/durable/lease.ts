// Run ownership: at most one live handler drives a journaled run, across workflow instances in a
// process and across processes sharing a journal.
//
// Each journal writer (one per journal object in a process) is an owner, named
// `pid@host/token`. Taking a run writes a lease `{ owner, until }` into the journal; every commit
// of the owner renews it (idle runs are renewed by a timer), and a commit by anyone else is
// refused for that run. A lease held by someone else is broken only when it expired, or when its
// owner is provably dead: a process on this host that no longer exists, or an owner in this
// process that no longer drives the run. Across hosts, a dead owner's lease lapses after
// `LEASE_MS`.

import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { RunLease } from "./journal.js";

/** How long a lease lasts without renewal (ms). Renewed every third of it while the run is live. */
export const LEASE_MS = 30_000;

/** What an owner in this process must answer: whether it still drives `runId`. */
export interface LeaseHolder {
  drives(runId: string): boolean;
}

const HOST = hostname();
// Shared by every copy of this module in the process (a bundler may load two).
const holders: Map<string, WeakRef<LeaseHolder>> = ((globalThis as Record<symbol, unknown>)[Symbol.for("flowspec.leaseHolders")] ??= new Map()) as Map<
  string,
  WeakRef<LeaseHolder>
>;

/** A new owner name for `holder`, registered so this process can tell whether it is still live. */
export function newOwner(holder: LeaseHolder): string {
  const token = randomUUID().slice(0, 8);
  holders.set(token, new WeakRef(holder));
  return `${process.pid}@${HOST}/${token}`;
}

/** True when the lease's owner provably no longer drives the run (see the module comment). */
export function ownerIsDead(runId: string, lease: RunLease): boolean {
  const m = /^(\d+)@(.*)\/([^/]*)$/.exec(lease.owner);
  if (m === null || m[2] !== HOST) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return !(holders.get(m[3]!)?.deref()?.drives(runId) ?? false);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
