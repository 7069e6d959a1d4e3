// The emitter's last line of defence: a name or value it cannot write safely stops the emit. The
// checks should have reported it already; `compile` turns this into a diagnostic instead of code.

import type { DiagnosticCode, Span } from "../diagnostics.js";

export class EmitError extends Error {
  override name = "EmitError";
  constructor(
    message: string,
    readonly code: DiagnosticCode = "invalid-identifier",
    readonly span?: Span,
  ) {
    super(message);
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `name` when it can be pasted into code as an identifier; else an EmitError naming `what`. */
export function safeIdentifier(name: string, what: string, span?: Span): string {
  if (!IDENTIFIER.test(name)) throw new EmitError(`${what} ${JSON.stringify(name)} is not an identifier`, "invalid-identifier", span);
  return name;
}
