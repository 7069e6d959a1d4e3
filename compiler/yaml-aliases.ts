// Aliases in a parsed YAML document that the loader refuses: repetition past a limit, cycles, and aliases to no anchor.

import { isAlias, isMap, isSeq, type Alias, type Document, type Node } from "yaml";

export interface AliasProblem {
  alias: Alias;
  /** `cycle`: the alias is inside the node it names (`&x [1, *x]`). `amplification`: with the ones
   * before it, it repeats more than the limit allows. `unresolved`: it names no anchor before it. */
  kind: "cycle" | "amplification" | "unresolved";
}

/**
 * Aliases that together repeat more than `maxAliasedNodes` nodes: linear amplification, which
 * yaml's `maxAliasCount` (aimed at exponential bombs) lets through. Also an alias inside the node it
 * names (`&x [1, *x]`), which yaml turns into a cyclic value that no later stage expects. Sizes are
 * counted on the syntax tree, before anything is expanded, each anchored node once, without recursion.
 */
export function findAliasAmplification(doc: Document, maxAliasedNodes: number): AliasProblem | undefined {
  const root = doc.contents as Node | null;
  const sizes = new Map<unknown, number>();
  const childrenOf = (node: unknown): unknown[] => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      return target === undefined ? [] : [target];
    }
    if (isMap(node)) return node.items.flatMap((pair) => [pair.key, pair.value].filter((part) => part !== null && part !== undefined));
    if (isSeq(node)) return node.items;
    return [];
  };
  /** The expanded size of `node` (every node under it, aliases standing for their targets), or
   * "cycle" when an alias under it leads back to it. Post-order walk with an explicit stack. */
  const sizeOf = (node: unknown): number | "cycle" => {
    const busy = new Set<unknown>();
    const stack: { node: unknown; expanded: boolean }[] = [{ node, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (sizes.has(top.node)) {
        stack.pop();
        continue;
      }
      const children = childrenOf(top.node);
      if (!top.expanded) {
        top.expanded = true;
        busy.add(top.node);
        for (const child of children) {
          if (busy.has(child)) return "cycle";
          if (!sizes.has(child)) stack.push({ node: child, expanded: false });
        }
        continue;
      }
      stack.pop();
      busy.delete(top.node);
      let total = 1;
      for (const child of children) total += sizes.get(child) ?? 0;
      sizes.set(top.node, Math.min(total, Number.MAX_SAFE_INTEGER));
    }
    return sizes.get(node) ?? 1;
  };

  let aliased = 0;
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!isAlias(node)) {
      for (const child of childrenOf(node)) pending.push(child); // no spread: lists can be huge
      continue;
    }
    const target = node.resolve(doc);
    const size = target === undefined ? 0 : sizeOf(target);
    if (size === "cycle") return { alias: node, kind: "cycle" };
    aliased += size;
    if (aliased > maxAliasedNodes) return { alias: node, kind: "amplification" };
  }
  return undefined;
}

/** An alias that names no anchor before it (`*nowhere`). */
export function findUnresolvedAlias(doc: Document): AliasProblem | undefined {
  const pending: unknown[] = [doc.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isAlias(node)) {
      if (node.resolve(doc) === undefined) return { alias: node, kind: "unresolved" };
      continue;
    }
    if (isMap(node)) for (const pair of node.items) pending.push(pair.value, pair.key);
    if (isSeq(node)) for (const item of node.items) pending.push(item);
  }
  return undefined;
}
