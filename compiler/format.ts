// Diagnostics as the CLI prints them: text for people (with code frames), JSON for tools (DESIGN.md, "CLI").
// Pure functions returning strings; the commands decide where they go.

import { formatCodeFrame } from "./code-frame.js";
import type { Diagnostic } from "./diagnostics.js";
import { printable } from "./text.js";

/** One checked file and what was found in it. */
export interface FileReport {
  /** The path as shown to the user (relative to the working directory when inside it). */
  path: string;
  /** The file's text, for code frames; without it the text format prints no frame. */
  source?: string;
  diagnostics: readonly Diagnostic[];
}

export interface Totals {
  errors: number;
  warnings: number;
}

export interface TextFormatOptions {
  /** ANSI colors: only when writing to a terminal. */
  color?: boolean;
  /** Print the `Checked N files: …` line after the diagnostics (default true). */
  summary?: boolean;
}

export function countDiagnostics(reports: readonly FileReport[]): Totals {
  let errors = 0;
  let warnings = 0;
  for (const report of reports) {
    for (const d of report.diagnostics) {
      if (d.severity === "error") errors++;
      else warnings++;
    }
  }
  return { errors, warnings };
}

/**
 * The JSON report, exactly DESIGN.md's shape; every checked file is listed, with or without diagnostics.
 * @example formatJson([{ path: "specs/joke.yaml", diagnostics: [] }]) // '{ "files": [...], "errors": 0, "warnings": 0 }'
 */
export function formatJson(reports: readonly FileReport[]): string {
  const files = reports.map((report) => ({ path: report.path, diagnostics: report.diagnostics.map(toJsonDiagnostic) }));
  return `${JSON.stringify({ files, ...countDiagnostics(reports) }, null, 2)}\n`;
}

function toJsonDiagnostic(d: Diagnostic) {
  const end = d.endLine !== undefined && d.endColumn !== undefined ? { endLine: d.endLine, endColumn: d.endColumn } : {};
  return { code: d.code, severity: d.severity, message: d.message, line: d.line, column: d.column, ...end };
}

/**
 * `path:line:column - error code: message`, a code frame, a blank line; then a summary line.
 * @example formatText([{ path: "a.yaml", source, diagnostics }], { color: false })
 */
export function formatText(reports: readonly FileReport[], options: TextFormatOptions = {}): string {
  const color = options.color ?? false;
  const blocks: string[] = [];
  for (const report of reports) {
    for (const d of report.diagnostics) blocks.push(formatDiagnostic(report, d, color));
  }
  if (options.summary ?? true) blocks.push(formatSummary(reports));
  return blocks.length === 0 ? "" : `${blocks.join("\n\n")}\n`;
}

/** One diagnostic: its headline and, when the source is known, its code frame. */
export function formatDiagnostic(report: FileReport, d: Diagnostic, color = false): string {
  const paint = (code: string, text: string): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const where = paint("36", `${printable(report.path)}:${d.line}:${d.column}`);
  const severity = paint(d.severity === "error" ? "31" : "33", d.severity);
  const headline = `${where} - ${severity} ${paint("90", d.code)}: ${printable(d.message)}`;
  const frame = report.source === undefined ? "" : formatCodeFrame(report.source, d, { color, tone: d.severity });
  return frame === "" ? headline : `${headline}\n\n${frame}`;
}

/** `Checked 3 files: 2 errors, 1 warning.` or `Checked 1 file: no problems.` */
export function formatSummary(reports: readonly FileReport[]): string {
  const { errors, warnings } = countDiagnostics(reports);
  const files = plural(reports.length, "file");
  if (errors === 0 && warnings === 0) return `Checked ${files}: no problems.`;
  return `Checked ${files}: ${plural(errors, "error")}, ${plural(warnings, "warning")}.`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
