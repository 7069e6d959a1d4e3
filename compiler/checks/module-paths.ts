// `unsafe-module-path` (a warning): a resource's `module` should be a path relative to the spec or
// a package name. An absolute path ties the generated code to one machine, and a URL (`https:`,
// `file:`, `data:`) makes it fetch or embed code from elsewhere. `node:` built-ins are fine.

import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { SpecModel } from "../model.js";
import { quote } from "./describe.js";

const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const WINDOWS_ABSOLUTE = /^[A-Za-z]:[\\/]/;

/** Why a module specifier is unsafe to import from generated code, or undefined. */
export function modulePathProblem(specifier: string): string | undefined {
  if (specifier.startsWith("/") || specifier.startsWith("\\") || WINDOWS_ABSOLUTE.test(specifier)) {
    return "is an absolute path, which only works on one machine; use a path relative to the spec";
  }
  const scheme = URL_SCHEME.exec(specifier)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "node") return `is a '${scheme}:' URL; import code from a relative path or a package`;
  return undefined;
}

export function checkModulePaths(model: SpecModel, file?: string): Diagnostic[] {
  return model.resources.flatMap((resource) => {
    const problem = modulePathProblem(resource.module);
    if (!problem) return [];
    return [diagnostic("unsafe-module-path", `module ${quote(resource.module)} of resource ${quote(resource.name)} ${problem}`, resource.moduleSpan, file)];
  });
}
