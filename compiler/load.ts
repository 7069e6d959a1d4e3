// Stage 1: YAML text → plain JS data plus a locator. Never throws: every YAML problem, including
// resource-exhaustion attempts, becomes a `yaml-syntax` diagnostic.

import { LineCounter, parseDocument, type Node } from "yaml";
import { diagnostic, type Diagnostic } from "./diagnostics.js";
import { createLocator, type Locator } from "./locate.js";

/** Limits documented in SECURITY.md. */
export const LIMITS = {
  /** Largest spec accepted, in bytes (UTF-8). */
  maxBytes: 1024 * 1024,
  /** Aliases expanded per document: a spec needs few, an alias bomb needs many. */
  maxAliasCount: 100,
} as const;

export interface LoadResult {
  /** The document as plain data; undefined when the YAML could not be read. */
  data: unknown;
  locator: Locator;
  diagnostics: Diagnostic[];
}

export function loadYaml(source: string, file?: string): LoadResult {
  const lineCounter = new LineCounter();
  const size = Buffer.byteLength(source, "utf8");
  if (size > LIMITS.maxBytes) {
    const locator = createLocator(null, lineCounter);
    const message = `file is ${size} bytes, over the ${LIMITS.maxBytes}-byte limit for a spec`;
    return { data: undefined, locator, diagnostics: [diagnostic("yaml-syntax", message, { line: 1, column: 1 }, file)] };
  }

  const doc = parseDocument(source, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    maxAliasCount: LIMITS.maxAliasCount,
  });
  const locator = createLocator(doc.contents as Node | null, lineCounter);
  const diagnostics = [...doc.errors, ...doc.warnings].map((error) =>
    diagnostic("yaml-syntax", describeYamlError(error.code, error.message), locator.offsets(error.pos[0], error.pos[1]), file),
  );
  if (doc.errors.length > 0) return { data: undefined, locator, diagnostics };

  try {
    return { data: doc.toJS({ maxAliasCount: LIMITS.maxAliasCount }), locator, diagnostics };
  } catch (error) {
    // toJS throws on alias bombs (ReferenceError) and could overflow the stack on pathological input.
    const reason = error instanceof ReferenceError ? "too many alias expansions (possible alias bomb)" : "document too complex to read";
    diagnostics.push(diagnostic("yaml-syntax", reason, { line: 1, column: 1 }, file));
    return { data: undefined, locator, diagnostics };
  }
}

/** yaml's messages carry their own position suffix and code frame; keep the first sentence only. */
function describeYamlError(code: string, message: string): string {
  const firstLine = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "").trim();
  switch (code) {
    case "DUPLICATE_KEY":
      return `duplicate key: ${firstLine}`;
    case "TAB_AS_INDENT":
      return "tabs are not allowed as indentation in YAML; use spaces";
    default:
      return firstLine || `YAML error ${code}`;
  }
}
