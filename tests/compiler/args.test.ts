import { describe, expect, test } from "vitest";
import { parseArgs } from "../../compiler/commands/args.js";
import { UsageError } from "../../compiler/commands/types.js";

const FLAGS = {
  format: { type: "string", choices: ["text", "json"], default: "text" },
  out: { type: "string", short: "o" },
  watch: { type: "boolean", short: "w" },
} as const;

describe("parseArgs", () => {
  test("defaults: booleans false, strings their default or undefined", () => {
    expect(parseArgs([], { flags: FLAGS })).toEqual({ flags: { format: "text", out: undefined, watch: false }, positionals: [] });
  });

  test("values, inline values, short names, booleans and positionals in any order", () => {
    const parsed = parseArgs(["a.yaml", "--format", "json", "-o", "dist", "b", "-w", "--out=gen"], { flags: FLAGS });
    expect(parsed).toEqual({ flags: { format: "json", out: "gen", watch: true }, positionals: ["a.yaml", "b"] });
  });

  test("`--` ends the options; `-` is a positional", () => {
    expect(parseArgs(["-", "--", "--watch"], { flags: FLAGS }).positionals).toEqual(["-", "--watch"]);
  });

  test.each([
    [["--frmat", "json"], /unknown option '--frmat' \(did you mean '--format'\?\)/],
    [["-x"], /unknown option '-x'/],
    [["--format"], /'--format' needs a value \(text or json\)/],
    [["--out", "--watch"], /'--out' needs a value/],
    [["--format", "xml"], /must be one of text, json, not 'xml'/],
    [["--watch=yes"], /'--watch' takes no value/],
  ])("%j is a usage error", (args, message) => {
    expect(() => parseArgs(args, { flags: FLAGS })).toThrow(UsageError);
    expect(() => parseArgs(args, { flags: FLAGS })).toThrow(message);
  });

  test("positional limits", () => {
    const spec = { flags: {}, positionals: { min: 1, max: 1, name: "spec" } };
    expect(parseArgs(["a.yaml"], spec).positionals).toEqual(["a.yaml"]);
    expect(() => parseArgs([], spec)).toThrow(/missing the <spec> argument/);
    expect(() => parseArgs(["a", "b"], spec)).toThrow(/unexpected argument 'b': expected at most 1 spec/);
  });

  test("flag values are typed from the spec", () => {
    const { flags } = parseArgs([], { flags: FLAGS });
    const format: "text" | "json" = flags.format;
    const out: string | undefined = flags.out;
    const watch: boolean = flags.watch;
    // @ts-expect-error: a flag with no default may be undefined
    const notOptional: string = flags.out;
    expect([format, out, watch, notOptional]).toEqual(["text", undefined, false, undefined]);
  });
});
