// The order named types are declared in: each type's schema after the schemas it uses (a `const` must
// exist before it is read), spec order otherwise. Types on a cycle (`Node` with `children: Node[]`)
// refer to each other through `z.lazy`, and their schema consts carry a type annotation.

import type { TypeModel, TypeRef } from "../model.js";

export interface TypeOrder {
  /** Every type, dependencies first, spec order among independent types. */
  ordered: TypeModel[];
  /** For each type on a cycle, the id of its strongly connected component. */
  cycleOf: ReadonlyMap<string, number>;
}

/** The named types a type ref mentions, in order of appearance. */
export function namedRefs(type: TypeRef, into: string[] = []): string[] {
  switch (type.kind) {
    case "named":
      into.push(type.name);
      break;
    case "array":
      namedRefs(type.element, into);
      break;
    case "map":
      namedRefs(type.value, into);
      break;
  }
  return into;
}

/**
 * Tarjan's strongly connected components, iteratively (a long chain of types cannot overflow the
 * stack). Components come out in reverse topological order of the dependency graph, which is exactly
 * "dependencies first".
 */
export function orderTypes(types: readonly TypeModel[]): TypeOrder {
  const byName = new Map(types.map((type) => [type.name, type]));
  const position = new Map(types.map((type, i) => [type.name, i]));
  const edges = new Map(types.map((type) => [type.name, dedupe(type.fields.flatMap((field) => namedRefs(field.type))).filter((name) => byName.has(name))]));
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const ordered: TypeModel[] = [];
  const cycleOf = new Map<string, number>();
  let counter = 0;
  let components = 0;

  for (const root of types) {
    if (index.has(root.name)) continue;
    const work: { name: string; next: number }[] = [{ name: root.name, next: 0 }];
    index.set(root.name, counter);
    lowLink.set(root.name, counter++);
    stack.push(root.name);
    onStack.add(root.name);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = edges.get(frame.name)!;
      if (frame.next < targets.length) {
        const target = targets[frame.next++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          lowLink.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ name: target, next: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.name, Math.min(lowLink.get(frame.name)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowLink.set(parent.name, Math.min(lowLink.get(parent.name)!, lowLink.get(frame.name)!));
      if (lowLink.get(frame.name) !== index.get(frame.name)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.name);
      const selfLoop = component.length === 1 && targets.includes(frame.name);
      if (component.length > 1 || selfLoop) for (const name of component) cycleOf.set(name, components);
      components++;
      // Inside a cycle, keep spec order.
      component.sort((a, b) => position.get(a)! - position.get(b)!);
      ordered.push(...component.map((name) => byName.get(name)!));
    }
  }
  return { ordered, cycleOf };
}

function dedupe(names: string[]): string[] {
  return [...new Set(names)];
}
