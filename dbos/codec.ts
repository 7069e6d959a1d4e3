// The JSON that crosses DBOS: ticks, events and errors use runtime/'s tick codec (the one the SQLite
// journal uses, runtime/tick-codec.ts). What is DBOS-specific: an error a run ends with is thrown
// from the DBOS workflow function, which stores only `name`, `message` and own enumerable
// properties; we carry the full `SerializedError` in one of them and revive it on the reading side.

import { decodeError, encodeError, type SerializedError } from "../runtime/backend.js";

export { decodeError, decodeEvent, decodeTick, encodeError, encodeEvent, encodeTick } from "../runtime/backend.js";
export type { SerializedError, SerializedTick } from "../runtime/backend.js";

/** An error DBOS can store (as the workflow's error) and another process can revive exactly. */
export function toDbosError(error: unknown): Error {
  const wire = encodeError(error);
  const out = new Error(wire.message);
  Object.defineProperty(out, "name", { value: wire.name, enumerable: true, configurable: true, writable: true });
  (out as unknown as { flowspec: SerializedError }).flowspec = wire;
  return out;
}

/** Revives what DBOS returns for a failed run (or a stream's error marker) into runtime/'s error classes. */
export function fromDbosError(error: unknown): Error {
  const carried = (error as { flowspec?: SerializedError } | null)?.flowspec;
  const revived = carried !== undefined && typeof carried === "object" ? decodeError(carried) : error;
  if (revived instanceof Error) return revived;
  return new Error(String(revived));
}
