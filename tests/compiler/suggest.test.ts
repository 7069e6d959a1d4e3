import { describe, expect, test } from "vitest";
import { closest, editDistance } from "../../compiler/suggest.js";

describe("suggestions", () => {
  test("counts insertions, deletions, substitutions and swaps as one edit each", () => {
    expect(editDistance("accepts", "acepts")).toBe(1);
    expect(editDistance("steps", "stpes")).toBe(1);
    expect(editDistance("emits", "emitz")).toBe(1);
    expect(editDistance("abc", "xyz")).toBe(3);
  });

  test("with a limit: the distance when within it, limit + 1 past it", () => {
    expect(editDistance("kitten", "sitting", 3)).toBe(3);
    expect(editDistance("kitten", "sitting", 2)).toBe(3);
    expect(editDistance("steps", "stpes", 1)).toBe(1);
    expect(editDistance("abcdef", "abcdefghij", 2)).toBe(3);
    expect(editDistance("", "ab", 0)).toBe(1);
  });

  test("suggests the closest name within a third of its length", () => {
    expect(closest("stpes", ["steps", "types", "state"])).toBe("steps");
    expect(closest("JokWritten", ["JokeWritten", "JokeRequested"])).toBe("JokeWritten");
    expect(closest("zzz", ["steps"])).toBeUndefined();
  });
});
