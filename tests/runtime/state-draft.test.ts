import { describe, expect, test } from "vitest";
import { createStateDraft } from "../../runtime/state-draft.js";

describe("state draft", () => {
  test("copies only the fields the callback touches; untouched fields keep their identity", () => {
    const big = { items: Array.from({ length: 1000 }, (_, i) => i) };
    const base = { count: 1, big, list: [1, 2] };
    const draft = createStateDraft(base);
    (draft.draft.list as number[]).push(3);
    draft.draft.count = 2;
    const next = draft.result();
    expect(next).toEqual({ count: 2, big, list: [1, 2, 3] });
    expect(next.big).toBe(big);
    expect(base.list).toEqual([1, 2]);
    expect([...draft.touched].sort()).toEqual(["count", "list"]);
  });

  test("deletes, adds, spreads and enumerates like a plain object", () => {
    const base = { a: 1, b: { c: 2 } };
    const draft = createStateDraft(base);
    delete draft.draft.a;
    draft.draft.d = "new";
    expect("a" in draft.draft).toBe(false);
    expect(Object.keys(draft.draft).sort()).toEqual(["b", "d"]);
    expect({ ...draft.draft }).toEqual({ b: { c: 2 }, d: "new" });
    expect(draft.result()).toEqual({ b: { c: 2 }, d: "new" });
    expect(base).toEqual({ a: 1, b: { c: 2 } });
  });
});
