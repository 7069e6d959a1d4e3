// The spec the deploy tests change: version 1 of a counter.

/** Counts to `n`: begin → Tick(0) → count → Tick(1) → … → Finished(total). */
export const V1 = `flowspec: 1
workflow: Counter
state:
  total: { type: integer, default: 0 }
events:
  Begin: { kind: start, fields: { n: integer } }
  Tick: { fields: { i: integer, note: string? } }
  Finished: { kind: stop, fields: { total: integer } }
steps:
  begin: { accepts: Begin, emits: Tick }
  count: { accepts: Tick, emits: [Tick, Finished], workers: 1 }
`;
