// The draft an `editState` callback mutates. Only the top-level fields the callback touches are
// copied (on first read or write), so an edit costs what it touches, not the size of the whole state;
// untouched fields keep their identity, which also keeps the journal's state patch cheap.

type State = Record<string, unknown>;

export interface StateDraft {
  /** What the callback sees: reads and writes go through copy-on-access. */
  readonly draft: State;
  /** The fields the callback read (and so may have mutated), wrote or deleted. */
  readonly touched: ReadonlySet<string>;
  /** The state with the touched fields applied (deleted fields removed). */
  result(): State;
}

export function createStateDraft(base: State): StateDraft {
  const copies = new Map<string, unknown>();
  const deleted = new Set<string>();
  const touched = new Set<string>();
  const copyOf = (key: string): unknown => {
    if (!copies.has(key) && !deleted.has(key)) {
      touched.add(key);
      copies.set(key, Object.hasOwn(base, key) ? structuredClone(base[key]) : undefined);
    }
    return deleted.has(key) ? undefined : copies.get(key);
  };
  const present = (key: string): boolean => !deleted.has(key) && (copies.has(key) || Object.hasOwn(base, key));

  const draft = new Proxy({} as State, {
    get: (_target, key) => (typeof key === "string" ? copyOf(key) : undefined),
    set: (_target, key, value) => {
      if (typeof key !== "string") return false;
      touched.add(key);
      deleted.delete(key);
      copies.set(key, value);
      return true;
    },
    deleteProperty: (_target, key) => {
      if (typeof key !== "string") return false;
      touched.add(key);
      copies.delete(key);
      deleted.add(key);
      return true;
    },
    has: (_target, key) => typeof key === "string" && present(key),
    ownKeys: () => [...new Set([...Object.keys(base), ...copies.keys()])].filter(present),
    getOwnPropertyDescriptor: (_target, key) =>
      typeof key === "string" && present(key) ? { value: copyOf(key), writable: true, enumerable: true, configurable: true } : undefined,
  });

  return {
    draft,
    touched,
    result() {
      const next: State = { ...base };
      for (const key of touched) {
        if (deleted.has(key)) delete next[key];
        else next[key] = copies.get(key);
      }
      return next;
    },
  };
}
