// Positions under every YAML 1.2 line break (CR LF, LF, a lone CR), and messages for the numbers
// JSON cannot print (.inf, -.inf, .nan, 1e400).

import { describe, expect, test } from "vitest";
import { analyze } from "../../compiler/analyze.js";
import { formatCodeFrame } from "../../compiler/code-frame.js";

const lines = ["flowspec: 1", "workflow: X", "steps:", "  a: { accepts: StartEvent, emits: [Nope, StopEvent] }", ""];

describe("line breaks", () => {
  for (const [name, eol] of [["LF", "\n"], ["CR LF", "\r\n"], ["CR", "\r"]] as const) {
    test(`${name}: the spec parses and the diagnostic sits on its own line`, () => {
      const source = lines.join(eol);
      const { diagnostics } = analyze(source, { path: "x.yaml" });
      expect(diagnostics.map(({ code, line, column }) => ({ code, line, column }))).toEqual([{ code: "unknown-event", line: 4, column: 37 }]);
      expect(formatCodeFrame(source, diagnostics[0]!)).toContain("> 4 |   a: { accepts");
    });
  }
});

describe("non-finite numbers as defaults", () => {
  const spec = [
    "flowspec: 1",
    "workflow: X",
    "state:",
    "  a: { type: number, default: .inf }",
    "  b: { type: integer, default: -.inf }",
    "  c: { type: number, default: .nan }",
    "  d: { type: number, default: 1e400 }",
    "  e: { type: 'number[]', default: [1, .inf] }",
    "steps:",
    "  s: { accepts: StartEvent, emits: StopEvent }",
    "",
  ].join("\n");

  test("each is an invalid-default at its value, and none is described as null", () => {
    const { diagnostics } = analyze(spec, { path: "x.yaml" });
    expect(diagnostics.map(({ code, line, column }) => ({ code, line, column }))).toEqual([
      { code: "invalid-default", line: 4, column: 31 },
      { code: "invalid-default", line: 5, column: 32 },
      { code: "invalid-default", line: 6, column: 31 },
      { code: "invalid-default", line: 7, column: 31 },
      { code: "invalid-default", line: 8, column: 35 },
    ]);
    for (const d of diagnostics) {
      expect(d.message).not.toMatch(/\bnull\b/);
      expect(d.message).toMatch(/finite/);
    }
  });
});
