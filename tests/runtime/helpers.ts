// Small test utilities shared by the runtime suites.

import { afterAll, beforeAll, expect } from "vitest";
import type { Event } from "flowspec/runtime";

/** Fails the file when any promise rejection went unhandled while its tests ran; returns them as they come. */
export function failOnUnhandledRejections(): readonly unknown[] {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => void process.on("unhandledRejection", onUnhandled));
  afterAll(() => {
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled).toEqual([]);
  });
  return unhandled;
}

/** Resolves after `ms`; rejects with the signal's reason when it aborts first (and clears its timer). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A promise that settles only when `signal` aborts (then rejects with its reason). */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** A manually opened gate. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Every event of a stream. */
export async function drain(stream: AsyncIterable<Event>): Promise<Event[]> {
  const events: Event[] = [];
  for await (const ev of stream) events.push(ev);
  return events;
}

/** Count of active timers in this process (Node's resource list). */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout" || r === "Immediate").length;
}

/** Waits for macrotasks to run (timers cleared in finish() disappear from the resource list). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
