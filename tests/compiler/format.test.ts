import { describe, expect, test } from "vitest";
import { formatCodeFrame } from "../../compiler/code-frame.js";
import { diagnostic } from "../../compiler/diagnostics.js";
import { formatJson, formatSummary, formatText } from "../../compiler/format.js";

const SOURCE = ["flowspec: 1", "workflow: Tiny", "steps:", "  only:", "    acepts: StartEvent", "    emits: StopEvent", ""].join("\n");

describe("formatCodeFrame", () => {
  test("two lines of context each side, a marker and carets under the span", () => {
    expect(formatCodeFrame(SOURCE, { line: 5, column: 5, endLine: 5, endColumn: 11 })).toBe(
      ["  3 | steps:", "  4 |   only:", "> 5 |     acepts: StartEvent", "    |     ^^^^^^", "  6 |     emits: StopEvent"].join("\n"),
    );
  });

  test("a span without an end gets one caret", () => {
    expect(formatCodeFrame(SOURCE, { line: 1, column: 11 }).split("\n")).toContain("    |           ^");
  });

  test("a multi-line span underlines each of its first lines, and ends at column 1 of the next line", () => {
    const frame = formatCodeFrame(SOURCE, { line: 4, column: 3, endLine: 7, endColumn: 1 }, { contextLines: 0 });
    expect(frame.split("\n")).toEqual([
      "> 4 |   only:",
      "    |   ^^^^^",
      "> 5 |     acepts: StartEvent",
      "    |     ^^^^^^^^^^^^^^^^^^",
      "> 6 |     emits: StopEvent",
      "    |     ^^^^^^^^^^^^^^^^",
    ]);
  });

  test("the gutter widens for two-digit line numbers", () => {
    const source = Array.from({ length: 12 }, (_, i) => `line${i + 1}`).join("\n");
    expect(formatCodeFrame(source, { line: 10, column: 1, endLine: 10, endColumn: 7 }).split("\n")).toEqual([
      "   8 | line8",
      "   9 | line9",
      "> 10 | line10",
      "     | ^^^^^^",
      "  11 | line11",
      "  12 | line12",
    ]);
  });

  test("tabs before the span are copied so the caret lines up", () => {
    expect(formatCodeFrame("a:\n\t\tb: 1\n", { line: 2, column: 3, endLine: 2, endColumn: 4 }, { contextLines: 0 })).toBe("> 2 | \t\tb: 1\n    | \t\t^");
  });

  test("a long line is cut to a window around the span", () => {
    const long = `key: ${"x".repeat(500)}BAD${"y".repeat(500)}`;
    const frame = formatCodeFrame(long, { line: 1, column: 506, endLine: 1, endColumn: 509 });
    const [text, carets] = frame.split("\n");
    expect(text!.length).toBeLessThan(140);
    expect(text!.indexOf("BAD")).toBe(carets!.indexOf("^"));
    expect(carets!.trimEnd().endsWith("^^^")).toBe(true);
  });

  test("control characters cannot reach the terminal", () => {
    const frame = formatCodeFrame("name: \u001b[2Jevil\u0007\n", { line: 1, column: 7 });
    expect(frame).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  test("a span at the end of the file still shows", () => {
    expect(formatCodeFrame("a: [\n", { line: 2, column: 1 }, { contextLines: 1 })).toBe("  1 | a: [\n> 2 |\n    | ^");
  });

  test("a span outside the source gives no frame", () => {
    expect(formatCodeFrame("a: 1\n", { line: 40, column: 1 })).toBe("");
  });

  test("colors only when asked", () => {
    expect(formatCodeFrame(SOURCE, { line: 5, column: 5 })).not.toContain("\u001b[");
    expect(formatCodeFrame(SOURCE, { line: 5, column: 5 }, { color: true, tone: "warning" })).toContain("\u001b[33m^");
  });
});

describe("formatJson", () => {
  test("has exactly the documented keys; endLine/endColumn only when known", () => {
    const reports = [
      {
        path: "specs/a.yaml",
        source: SOURCE,
        diagnostics: [
          diagnostic("schema", "m1", { line: 5, column: 5, endLine: 5, endColumn: 11 }, "specs/a.yaml"),
          diagnostic("unused-event", "m2", { line: 1, column: 1 }, "specs/a.yaml"),
        ],
      },
    ];
    expect(JSON.parse(formatJson(reports))).toStrictEqual({
      files: [
        {
          path: "specs/a.yaml",
          diagnostics: [
            { code: "schema", severity: "error", message: "m1", line: 5, column: 5, endLine: 5, endColumn: 11 },
            { code: "unused-event", severity: "warning", message: "m2", line: 1, column: 1 },
          ],
        },
      ],
      errors: 1,
      warnings: 1,
    });
  });
});

describe("formatText", () => {
  test("headline, frame, summary", () => {
    const d = diagnostic("schema", "step 'only' has unknown key 'acepts'", { line: 5, column: 5, endLine: 5, endColumn: 11 });
    const text = formatText([{ path: "a.yaml", source: SOURCE, diagnostics: [d] }]);
    expect(text.startsWith("a.yaml:5:5 - error schema: step 'only' has unknown key 'acepts'\n\n")).toBe(true);
    expect(text).toContain("> 5 |     acepts: StartEvent\n    |     ^^^^^^");
    expect(text.endsWith("\n\nChecked 1 file: 1 error, 0 warnings.\n")).toBe(true);
  });

  test("messages are made printable", () => {
    const d = diagnostic("schema", "unknown key '\u001b[31mred'", { line: 1, column: 1 });
    expect(formatText([{ path: "a.yaml", diagnostics: [d] }])).not.toContain("\u001b");
  });

  test("the summary counts files, errors and warnings", () => {
    expect(formatSummary([])).toBe("Checked 0 files: no problems.");
    const warning = diagnostic("unused-type", "w", { line: 1, column: 1 });
    expect(formatSummary([{ path: "a", diagnostics: [warning, warning] }, { path: "b", diagnostics: [] }])).toBe(
      "Checked 2 files: 0 errors, 2 warnings.",
    );
  });
});
