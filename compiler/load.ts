// Stage 1: YAML text → plain JS data plus a locator. Never throws: every YAML problem, including
// resource-exhaustion attempts, becomes a `yaml-syntax` diagnostic.

import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { diagnostic, type Diagnostic } from "./diagnostics.js";
import { createLocator, type Locator } from "./locate.js";
import { printable } from "./text.js";
import { findAliasAmplification, findUnresolvedAlias, type AliasProblem } from "./yaml-aliases.js";

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
  /**
   * Nodes that aliases may stand for, in all (each alias counts the size of what it repeats). Within
   * maxAliasCount, 99 aliases of one 100,000-item list still make 10 million values out of 200 KB,
   * and a 30 MB generated module; a spec that reuses a list of events needs a few dozen.
   */
  maxAliasedNodes: 10_000,
  /** YAML problems reported per file (duplicate keys included); the rest are counted in one more. */
  maxDiagnostics: 50,
} as const;

export interface LoadResult {
  /** The document as plain data; undefined when the YAML could not be read. */
  data: unknown;
  locator: Locator;
  diagnostics: Diagnostic[];
}

export function loadYaml(source: string, file?: string): LoadResult {
  const size = Buffer.byteLength(source, "utf8");
  if (size > LIMITS.maxBytes) {
    const locator = createLocator(null, new LineCounter());
    const message = `file is ${size} bytes, over the ${LIMITS.maxBytes}-byte limit for a spec`;
    return { data: undefined, locator, diagnostics: [diagnostic("yaml-syntax", message, { line: 1, column: 1 }, file)] };
  }

  // YAML 1.2 ends a line at CR LF, LF or a lone CR; the parser only knows the first two. A lone CR
  // becomes LF (same length, so every offset still points into the text the user wrote).
  const text = source.replace(/\r(?!\n)/g, "\n");
  const lineCounter = countLines(text);
  const doc = parseDocument(text, {
    prettyErrors: false,
    // yaml's own duplicate-key check compares every key with every other (quadratic on huge
    // mappings); findStructuralProblems does it in linear time instead.
    uniqueKeys: false,
    strict: true,
    // The YAML 1.2 core schema, whatever a `%YAML 1.1` directive asks for: 1.1 would read `yes` as
    // true, `2001-12-14` as a Date and `<<` as a merge. Explicit `!!binary`, `!!set`, `!!omap`,
    // `!!pairs` and `!!timestamp` would give a Uint8Array, Set, Map or Date: values no check expects
    // and the emitter cannot write. Unresolved, they are errors.
    schema: "core",
    merge: false,
    resolveKnownTags: false,
  });
  const locator = createLocator(doc.contents as Node | null, lineCounter);
  const diagnostics = yamlDiagnostics([...doc.errors, ...doc.warnings], locator, source.length, file);
  if (doc.errors.length > 0) return { data: undefined, locator, diagnostics };
  // Loops, not push(...): a spread of 200,000 diagnostics overflows the call stack.
  for (const problem of findStructuralProblems(doc.contents as Node | null, locator, file)) diagnostics.push(problem);
  if (diagnostics.length > 0) return { data: undefined, locator, diagnostics };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
  } catch (error) {
    // toJS throws on alias bombs and unknown aliases (ReferenceError), and could overflow the stack on
    // pathological input.
    const unresolved = error instanceof ReferenceError && !/excessive alias/i.test(error.message) ? findUnresolvedAlias(doc) : undefined;
    const reason = error instanceof ReferenceError ? "too many alias expansions (possible alias bomb)" : "document too complex to read";
    diagnostics.push(unresolved ? aliasDiagnostic(unresolved, locator, file) : diagnostic("yaml-syntax", reason, { line: 1, column: 1 }, file));
    return { data: undefined, locator, diagnostics };
  }
  // After toJS (which stops exponential bombs): aliases that repeat big nodes a few times each.
  const amplified = findAliasAmplification(doc, LIMITS.maxAliasedNodes);
  if (amplified) diagnostics.push(aliasDiagnostic(amplified, locator, file));
  return diagnostics.length > 0 ? { data: undefined, locator, diagnostics } : { data, locator, diagnostics };
}

/**
 * Line starts read from the text itself. The parser's own LineCounter (`parseDocument(source, {
 * lineCounter })`) only hears of the line breaks in tokens it understood: after a syntax error it can
 * skip lines (`*a: 1\nworkflow: X` put `workflow` on line 1), and every later position is wrong.
 * Called on the text with lone `\r`s already turned into `\n`, so `\n` ends every line.
 */
function countLines(source: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let at = source.indexOf("\n"); at !== -1; at = source.indexOf("\n", at + 1)) lineCounter.addNewLine(at + 1);
  return lineCounter;
}

interface YamlProblem {
  code: string;
  message: string;
  pos: [number, number];
}

/**
 * One diagnostic per parser problem, except that nesting overflows collapse into a single one. The
 * parser may place an error's end (or, at the end of the text, its start) one past the last
 * character; positions are clamped so every diagnostic points inside the file.
 */
function yamlDiagnostics(problems: YamlProblem[], locator: Locator, length: number, file?: string): Diagnostic[] {
  const clamp = (offset: number) => Math.max(0, Math.min(offset, length));
  const tooDeep = problems.find((p) => p.code === "RESOURCE_EXHAUSTION" || /call stack/i.test(p.message));
  if (tooDeep) {
    const message = `nesting is too deep (the limit is ${LIMITS.maxDepth} levels)`;
    return [diagnostic("yaml-syntax", message, locator.offsets(clamp(tooDeep.pos[0])), file)];
  }
  const sorted = [...problems].sort((a, b) => a.pos[0] - b.pos[0]);
  return capped(sorted, (p) => diagnostic("yaml-syntax", describeYamlError(p.code, p.message), locator.offsets(clamp(p.pos[0]), clamp(p.pos[1])), file), "YAML problems");
}

/**
 * The first `maxDiagnostics` items as diagnostics, and one more that counts the rest, placed where the
 * first of them is: a junk file must not flood a terminal (or build 200,000 diagnostics).
 */
function capped<T>(items: readonly T[], toDiagnostic: (item: T) => Diagnostic, noun: string): Diagnostic[] {
  const shown: Diagnostic[] = [];
  for (let i = 0; i < items.length && i < LIMITS.maxDiagnostics; i++) shown.push(toDiagnostic(items[i]!));
  if (items.length > LIMITS.maxDiagnostics) {
    const next = toDiagnostic(items[LIMITS.maxDiagnostics]!);
    shown.push({ ...next, message: `${items.length - LIMITS.maxDiagnostics} more ${noun} not shown` });
  }
  return shown;
}

/** Duplicate keys and excessive depth, found in one iterative pass (no recursion on hostile depth). */
function findStructuralProblems(root: Node | null, locator: Locator, file?: string): Diagnostic[] {
  const duplicates: { key: string; range: [number, number] | undefined }[] = [];
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
          duplicates.push({ key, range: range ? [range[0], range[1]] : undefined });
        }
        if (key !== undefined) seen.add(key);
        pending.push({ node: item.value, depth: depth + 1 });
      } else {
        pending.push({ node: item, depth: depth + 1 });
      }
    }
  }
  // In document order, so the ones shown are the first ones.
  duplicates.sort((a, b) => (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0));
  return capped(
    duplicates,
    ({ key, range }) => {
      const at = range ? locator.offsets(range[0], range[1]) : { line: 1, column: 1 };
      return diagnostic("yaml-syntax", `duplicate key '${truncate(key)}' in the same mapping`, at, file);
    },
    "duplicate keys",
  );
}

/** An alias problem (yaml-aliases.ts) as a `yaml-syntax` diagnostic at the alias. */
function aliasDiagnostic(problem: AliasProblem, locator: Locator, file?: string): Diagnostic {
  const { alias, kind } = problem;
  const at = alias.range ? locator.offsets(alias.range[0], alias.range[1]) : { line: 1, column: 1 };
  const message = {
    cycle: `alias '*${truncate(alias.source)}' is inside the node it repeats (a cycle)`,
    amplification: `aliases repeat more than ${LIMITS.maxAliasedNodes} values in all (possible alias bomb)`,
    unresolved: `alias '*${truncate(alias.source)}' names no anchor defined before it`,
  }[kind];
  return diagnostic("yaml-syntax", message, at, file);
}

/** Shortened to the message limit, with control characters escaped (messages are printed to terminals). */
function truncate(text: string): string {
  return printable(text.length <= LIMITS.maxMessageLength ? text : `${text.slice(0, LIMITS.maxMessageLength)}…`);
}

/** yaml's messages carry their own position suffix and code frame; keep the first sentence only. */
function describeYamlError(code: string, message: string): string {
  const firstLine = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "").trim();
  switch (code) {
    case "DUPLICATE_KEY":
      return `duplicate key: ${truncate(firstLine)}`;
    case "TAB_AS_INDENT":
      return "tabs are not allowed as indentation in YAML; use spaces";
    default:
      return truncate(firstLine) || `YAML error ${code}`;
  }
}
