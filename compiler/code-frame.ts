// A code frame: the lines around a diagnostic, a line-number gutter, and a caret line under the span.
//
//     5 |   steps:
//   > 6 |     only:
//       |     ^^^^

import type { Span } from "./diagnostics.js";
import { printable } from "./text.js";

export interface CodeFrameOptions {
  /** Wrap the gutter and carets in ANSI colors. */
  color?: boolean;
  /** Color of the carets: red for errors, yellow for warnings. */
  tone?: "error" | "warning";
  /** Lines shown before and after the span. */
  contextLines?: number;
}

/** A span over many lines (a whole mapping) shows only its first few. */
const MAX_SPAN_LINES = 3;
/** Longer lines are cut to a window around the span, so a minified line cannot flood the terminal. */
const MAX_LINE_WIDTH = 120;

const ANSI = { dim: "\u001b[2m", red: "\u001b[31m", yellow: "\u001b[33m", reset: "\u001b[0m" };

/** Renders the frame; the empty string when the span lies outside the source. */
export function formatCodeFrame(source: string, span: Span, options: CodeFrameOptions = {}): string {
  // Every YAML 1.2 line break: CR LF, LF, and a lone CR (load.ts counts lines the same way).
  const raw = source.split(/\r\n|\r|\n/);
  // Shown escaped (printable): controls and bidi overrides never reach the terminal. Columns are
  // mapped onto the escaped text, so the carets stay under what they point at.
  const lines = raw.map(printable);
  span = shownSpan(raw, span);
  // The empty "line" after a final newline is context nobody needs, unless the span is on it (end of file).
  if (lines.length > 1 && lines.at(-1) === "" && span.line < lines.length) lines.pop();
  if (span.line < 1 || span.line > lines.length) return "";
  const context = options.contextLines ?? 2;
  const paint = (code: string, text: string): string => (options.color ? `${code}${text}${ANSI.reset}` : text);
  const caretColor = options.tone === "warning" ? ANSI.yellow : ANSI.red;

  const spanEnd = lastSpanLine(span, lines.length);
  const shownSpanEnd = Math.min(spanEnd, span.line + MAX_SPAN_LINES - 1);
  const first = Math.max(1, span.line - context);
  const last = Math.min(lines.length, shownSpanEnd + context);
  const gutterWidth = String(last).length;
  // One horizontal window for every shown line keeps the carets aligned with the text above them.
  const spanLineLength = lines[span.line - 1]!.length;
  const offset =
    spanLineLength <= MAX_LINE_WIDTH ? 0 : Math.max(0, Math.min(span.column - Math.floor(MAX_LINE_WIDTH / 2), spanLineLength - MAX_LINE_WIDTH));

  const out: string[] = [];
  for (let number = first; number <= last; number++) {
    const text = lines[number - 1]!;
    const inSpan = number >= span.line && number <= shownSpanEnd;
    const gutter = `${inSpan ? ">" : " "} ${String(number).padStart(gutterWidth)} |`;
    const visible = clip(text, offset);
    out.push(`${paint(ANSI.dim, gutter)}${visible.length > 0 ? ` ${visible}` : ""}`);
    if (!inSpan) continue;
    const [from, to] = underlineColumns(text, number, span, spanEnd);
    const lead = caretIndent(text, from, offset);
    const width = Math.max(1, Math.min(to, offset + MAX_LINE_WIDTH + 1) - Math.max(from, offset + 1));
    out.push(`${paint(ANSI.dim, `  ${" ".repeat(gutterWidth)} |`)} ${lead}${paint(caretColor, "^".repeat(width))}`);
  }
  return out.join("\n");
}

/** The span's last line; an end at column 1 means the span stopped at the end of the previous line. */
function lastSpanLine(span: Span, lineCount: number): number {
  let end = span.endLine ?? span.line;
  if (span.endLine !== undefined && span.endColumn === 1 && end > span.line) end--;
  return Math.min(Math.max(end, span.line), lineCount);
}

/** 1-based [from, to) columns to underline on one line of the span. */
function underlineColumns(text: string, number: number, span: Span, spanEnd: number): [number, number] {
  const from = number === span.line ? span.column : firstNonBlank(text);
  const endsHere = number === spanEnd && span.endLine === number && span.endColumn !== undefined;
  const to = endsHere ? span.endColumn! : text.length + 1;
  return [from, Math.max(to, from + 1)];
}

function firstNonBlank(text: string): number {
  const index = text.search(/\S/);
  return index < 0 ? 1 : index + 1;
}

/** Whitespace up to the caret, copying tabs from the source so the caret lands under its column. */
function caretIndent(text: string, column: number, offset: number): string {
  const start = offset;
  const before = text.slice(start, Math.max(start, column - 1)).replace(/[^\t]/g, " ");
  return (offset > 0 ? " " : "") + before;
}

/** The window of a line (already escaped); when the window does not start at column 1, every line gets a one-character lead. */
function clip(safe: string, offset: number): string {
  if (offset === 0 && safe.length <= MAX_LINE_WIDTH) return safe;
  const window = safe.slice(offset, offset + MAX_LINE_WIDTH);
  const lead = offset === 0 ? "" : safe.length > offset ? "…" : "";
  return `${lead}${window}${offset + MAX_LINE_WIDTH < safe.length ? "…" : ""}`;
}

/** The span with its columns moved to where they fall once each line is escaped by `printable`. */
function shownSpan(raw: readonly string[], span: Span): Span {
  const column = (line: number, col: number) => {
    const text = raw[line - 1];
    return text === undefined ? col : printable(text.slice(0, col - 1)).length + 1 + Math.max(0, col - 1 - text.length);
  };
  const shown: Span = { ...span, column: column(span.line, span.column) };
  if (span.endLine !== undefined && span.endColumn !== undefined) shown.endColumn = column(span.endLine, span.endColumn);
  return shown;
}
