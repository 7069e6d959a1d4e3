// Stage 1: YAML text → plain JS data plus a locator. Never throws: every YAML problem, including
// resource-exhaustion attempts, becomes a `yaml-syntax` diagnostic.

import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { diagnostic, type Diagnostic } from "./diagnostics.js";
import { createLocator, type Locator } from "./locate.js";

/** Limits documented in SECURITY.md. */
export const LIMITS = {
  /** Largest spec accepted, in bytes (UTF-8). */
  maxBytes: 1024 * 1024,
  /** Aliases expanded per document: a spec needs few, an alias bomb needs many. */
  maxAliasCount: 100,
  /** Deepest nesting of mappings and lists; real specs stay under 10. */
  maxDepth: 64,
  /** Longest diagnostic message taken from the YAML parser (it may quote a whole junk token). */
  maxMessageLength: 200,
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
    // yaml's own duplicate-key check compares every key with every other (quadratic on huge
    // mappings); findStructuralProblems does it in linear time instead.
    uniqueKeys: false,
    strict: true,
  });
  const locator = createLocator(doc.contents as Node | null, lineCounter);
  const diagnostics = yamlDiagnostics([...doc.errors, ...doc.warnings], locator, file);
  if (doc.errors.length > 0) return { data: undefined, locator, diagnostics };
  diagnostics.push(...findStructuralProblems(doc.contents as Node | null, locator, file));
  if (diagnostics.length > 0) return { data: undefined, locator, diagnostics };

  try {
    return { data: doc.toJS({ maxAliasCount: LIMITS.maxAliasCount }), locator, diagnostics };
  } catch (error) {
    // toJS throws on alias bombs (ReferenceError) and could overflow the stack on pathological input.
    const reason = error instanceof ReferenceError ? "too many alias expansions (possible alias bomb)" : "document too complex to read";
    diagnostics.push(diagnostic("yaml-syntax", reason, { line: 1, column: 1 }, file));
    return { data: undefined, locator, diagnostics };
  }
}

interface YamlProblem {
  code: string;
  message: string;
  pos: [number, number];
}

/** One diagnostic per parser problem, except that nesting overflows collapse into a single one. */
function yamlDiagnostics(problems: YamlProblem[], locator: Locator, file?: string): Diagnostic[] {
  const tooDeep = problems.find((p) => p.code === "RESOURCE_EXHAUSTION" || /call stack/i.test(p.message));
  if (tooDeep) {
    const message = `nesting is too deep (the limit is ${LIMITS.maxDepth} levels)`;
    return [diagnostic("yaml-syntax", message, locator.offsets(tooDeep.pos[0]), file)];
  }
  return problems.map((p) => diagnostic("yaml-syntax", describeYamlError(p.code, p.message), locator.offsets(p.pos[0], p.pos[1]), file));
}

/** Duplicate keys and excessive depth, found in one iterative pass (no recursion on hostile depth). */
function findStructuralProblems(root: Node | null, locator: Locator, file?: string): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const pending: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > LIMITS.maxDepth) {
      const at = node.range ? locator.offsets(node.range[0]) : { line: 1, column: 1 };
      return [diagnostic("yaml-syntax", `nesting is too deep (the limit is ${LIMITS.maxDepth} levels)`, at, file)];
    }
    const seen = new Set<string>();
    for (const item of node.items) {
      if (isPair(item)) {
        const key = isScalar(item.key) ? String(item.key.value) : undefined;
        if (key !== undefined && seen.has(key)) {
          const range = (item.key as Node).range;
          const at = range ? locator.offsets(range[0], range[1]) : { line: 1, column: 1 };
          problems.push(diagnostic("yaml-syntax", `duplicate key '${truncate(key)}' in the same mapping`, at, file));
        }
        if (key !== undefined) seen.add(key);
        pending.push({ node: item.value, depth: depth + 1 });
      } else {
        pending.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return problems;
}

function truncate(text: string): string {
  return text.length <= LIMITS.maxMessageLength ? text : `${text.slice(0, LIMITS.maxMessageLength)}…`;
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
      return truncate(firstLine) || `YAML error ${code}`;
  }
}
