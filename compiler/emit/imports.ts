// Output: import { Event, Workflow, z, type StepContext } from "flowspec/runtime";
// Emitters ask for a name when they write it, so the module imports exactly what it uses: nothing
// unused, nothing missing. Modules are sorted (packages, then relative paths), names within a module
// (values, then types), all by code point so the order never depends on the machine's locale.

import { stringLiteral } from "./escape.js";
import { isRelativeSpecifier } from "./module-path.js";
import { MAX_LINE } from "./writer.js";

interface Imported {
  /** Imported only as a type: `type X`, or `import type { ... }` when the whole import is. */
  typeOnly: boolean;
  /** The name the module exports, when it is imported under another one: `Exported as Local`. */
  exported?: string;
}

export class Imports {
  readonly #modules = new Map<string, Map<string, Imported>>();

  /** Records `name` from `module` and returns it for the caller to write. A name used as a value
   * anywhere is imported as a value. With `exported`, the module's export of that name is imported
   * as `name`: `use(m, "Call", true, "ToolCall")` writes `type ToolCall as Call`. */
  use(module: string, name: string, typeOnly = false, exported: string = name): string {
    let names = this.#modules.get(module);
    if (!names) this.#modules.set(module, (names = new Map()));
    const seen = names.get(name);
    if (!seen) names.set(name, exported === name ? { typeOnly } : { typeOnly, exported });
    else if (!typeOnly) seen.typeOnly = false;
    return name;
  }

  /** The import declarations; one per line, or one name per line when that is too long. */
  render(): string[] {
    const modules = [...this.#modules.keys()].sort((a, b) => Number(isRelativeSpecifier(a)) - Number(isRelativeSpecifier(b)) || compare(a, b));
    return modules.map((module) => {
      const names = [...this.#modules.get(module)!].map(([name, { typeOnly, exported }]) => ({ name: exported === undefined ? name : `${exported} as ${name}`, typeOnly }));
      names.sort((a, b) => Number(a.typeOnly) - Number(b.typeOnly) || compare(a.name, b.name));
      const allTypes = names.every((n) => n.typeOnly);
      const list = names.map((n) => (n.typeOnly && !allTypes ? `type ${n.name}` : n.name));
      const [head, tail] = [`import ${allTypes ? "type " : ""}{`, `} from ${stringLiteral(module)};`];
      const oneLine = `${head} ${list.join(", ")} ${tail}`;
      return oneLine.length <= MAX_LINE ? oneLine : [head, ...list.map((name) => `  ${name},`), tail].join("\n");
    });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
