// Diagnostics are plain data: collected, never thrown, sorted by position before reporting.

/** Every diagnostic code flowspec reports (DESIGN.md, "What the compiler checks"). */
export type DiagnosticCode =
  | "yaml-syntax"
  | "schema"
  | "invalid-identifier"
  | "duplicate-name"
  | "unknown-event"
  | "unknown-type"
  | "unknown-resource"
  | "invalid-default"
  | "state-field-needs-default"
  | "multiple-start-events"
  | "no-start-step"
  | "unreachable-step"
  | "unconsumed-event"
  | "unproduced-event"
  | "accepts-stop-event"
  | "routed-stream-event"
  | "wrong-start-event"
  | "no-human-response-step"
  | "no-stop-path"
  | "dead-end-step"
  | "unused-event"
  | "unused-resource"
  | "unused-type"
  | "unsafe-module-path"
  | "missing-module"
  | "missing-export"
  | "unchecked-import";

export type Severity = "error" | "warning";

/** A region of a source file, 1-based lines and columns. End is exclusive and optional. */
export interface Span {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export interface Diagnostic extends Span {
  code: DiagnosticCode;
  severity: Severity;
  /** Names the things involved, e.g. `step 'critique' is unreachable from the start event 'JokeRequested'`. */
  message: string;
  /** The spec's path as given to the compiler (may be undefined for anonymous sources). */
  file?: string;
}

export const WARNING_CODES: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>([
  "unused-event",
  "unused-resource",
  "unused-type",
  "unsafe-module-path",
  "unchecked-import",
]);

export function severityOf(code: DiagnosticCode): Severity {
  return WARNING_CODES.has(code) ? "warning" : "error";
}

export function diagnostic(code: DiagnosticCode, message: string, span: Span, file?: string): Diagnostic {
  return { code, severity: severityOf(code), message, file, ...span };
}

/** Stable order: by line, then column, then code. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code) || a.message.localeCompare(b.message),
  );
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
