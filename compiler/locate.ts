// Maps a path into the parsed document (`["steps", "generate_joke", "accepts", 0]`) to a source span,
// so every later stage can point at the YAML node it is talking about.

import { isMap, isPair, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap } from "yaml";
import type { Span } from "./diagnostics.js";

export type DocPath = readonly (string | number)[];

export interface Locator {
  /** The value node at `path`; falls back to the nearest ancestor that exists. */
  value(path: DocPath): Span;
  /** The key of the map entry at `path` (its last element names the key); falls back like `value`. */
  key(path: DocPath): Span;
  /** A span for a raw byte offset range. */
  offsets(start: number, end?: number): Span;
}

interface Found {
  node: Node | null;
  pair?: Pair;
  /** How many path elements were matched. */
  depth: number;
}

function keyText(pair: Pair): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  return typeof key === "string" ? key : undefined;
}

/** Per-map key index, built on first lookup: keeps every lookup O(depth) on maps of thousands of steps. */
const pairIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairByKey(map: YAMLMap, key: string): Pair | undefined {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const item of map.items) {
      const text = isPair(item) ? keyText(item) : undefined;
      // The first of duplicate keys wins, as in the loader's duplicate report.
      if (text !== undefined && !index.has(text)) index.set(text, item);
    }
    pairIndexes.set(map, index);
  }
  return index.get(key);
}

function walk(root: Node | null, path: DocPath): Found {
  let node: Node | null = root;
  let pair: Pair | undefined;
  let depth = 0;
  for (const segment of path) {
    if (isMap(node)) {
      const next = pairByKey(node, String(segment));
      if (!next) break;
      pair = next;
      node = (next.value as Node | null) ?? null;
    } else if (isSeq(node) && typeof segment === "number") {
      const next = node.items[segment] as Node | undefined;
      if (next === undefined) break;
      pair = undefined;
      node = next;
    } else {
      break;
    }
    depth++;
  }
  return { node, pair, depth };
}

export function createLocator(root: Node | null, lineCounter: LineCounter): Locator {
  const offsets = (start: number, end?: number): Span => {
    const from = lineCounter.linePos(start);
    const span: Span = { line: from.line, column: from.col };
    if (end !== undefined && end > start) {
      const to = lineCounter.linePos(end);
      span.endLine = to.line;
      span.endColumn = to.col;
    }
    return span;
  };
  const spanOfNode = (node: Node | null | undefined): Span | undefined =>
    node?.range ? offsets(node.range[0], node.range[1]) : undefined;
  const fallback: Span = { line: 1, column: 1 };

  return {
    value(path) {
      const found = walk(root, path);
      if (found.depth === path.length) {
        // A key with no value (`accepts:`) points at the key itself.
        return spanOfNode(found.node) ?? spanOfNode(found.pair?.key as Node) ?? fallback;
      }
      return spanOfNode(found.pair?.key as Node) ?? spanOfNode(found.node) ?? fallback;
    },
    key(path) {
      const found = walk(root, path);
      if (found.pair && found.depth === path.length) return spanOfNode(found.pair.key as Node) ?? fallback;
      return spanOfNode(found.pair?.key as Node) ?? spanOfNode(found.node) ?? fallback;
    },
    offsets,
  };
}
