// `unsafe-module-path` (a warning): a resource's `module`, and an imported type's `import`, should be a
// path relative to the spec that stays inside the project, or a package name. An absolute path ties the generated code to one
// machine, a URL (`https:`, `file:`, `data:`) makes it fetch or embed code from elsewhere, and a
// relative path that climbs out of the project imports code nobody reviews with it. `node:` built-ins
// are fine.

import { posix } from "node:path";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import { isRelativeSpecifier } from "../emit/module-path.js";
import { normalizeSlashes } from "../paths.js";
import type { SpecModel, TypeModel } from "../model.js";
import { quote } from "../text.js";

const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const WINDOWS_ABSOLUTE = /^[A-Za-z]:[\\/]/;

/** Where a spec sits, for judging its relative module paths. Pure path arithmetic: no disk. */
export interface SpecLocation {
  /** The spec's path; a relative `module` is resolved against its folder. */
  specPath: string;
  /**
   * The folder modules must stay inside, on the same footing as `specPath` (both relative to one
   * folder, or both absolute). Default: the folder `specPath` is relative to, so `.` for
   * `specs/joke.yaml`; for an absolute `specPath`, the file system's root (nothing is outside it).
   */
  projectRoot?: string;
}

/**
 * Why a module specifier is unsafe to import from generated code, or undefined. Without a `location`,
 * relative paths are not judged.
 *
 * @example modulePathProblem("../../x.js", { specPath: "specs/a.yaml" }) // "leaves the project: ..."
 */
export function modulePathProblem(specifier: string, location?: SpecLocation): string | undefined {
  if (specifier.startsWith("/") || specifier.startsWith("\\") || WINDOWS_ABSOLUTE.test(specifier)) {
    return "is an absolute path, which only works on one machine; use a path relative to the spec";
  }
  const scheme = URL_SCHEME.exec(specifier)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "node") return `is a '${scheme}:' URL; import code from a relative path or a package`;
  if (location === undefined || !isRelativeSpecifier(specifier)) return undefined;
  // Resolved as the emitter resolves it (emit/module-path.ts), then seen from the project root.
  const specPath = normalizeSlashes(location.specPath);
  const root = posix.normalize(normalizeSlashes(location.projectRoot ?? baseOf(specPath)));
  const target = posix.join(posix.dirname(specPath), specifier);
  const fromRoot = posix.relative(root, target);
  if (fromRoot !== ".." && !fromRoot.startsWith("../")) return undefined;
  return `leaves the project: it resolves to ${quote(target)}, which is outside the project root ${quote(root)}; keep modules inside the project, or import them as a package`;
}

/** The folder a path is relative to: `.` for `specs/joke.yaml`, `/` or `C:/` for an absolute one. */
function baseOf(path: string): string {
  return /^(?:[A-Za-z]:)?\//.exec(path)?.[0] ?? ".";
}

export function checkModulePaths(model: SpecModel, file?: string, projectRoot?: string): Diagnostic[] {
  const location = file === undefined ? undefined : { specPath: file, projectRoot };
  const resources = model.resources.flatMap((resource) => {
    const problem = modulePathProblem(resource.module, location);
    if (!problem) return [];
    return [diagnostic("unsafe-module-path", `module ${quote(resource.module)} of resource ${quote(resource.name)} ${problem}`, resource.moduleSpan, file)];
  });
  const types = model.types.flatMap((type) => {
    const problem = type.import === undefined ? undefined : modulePathProblem(type.import.module, location);
    if (!problem) return [];
    return [diagnostic("unsafe-module-path", `module ${quote(type.import!.module)} of ${importedTypeLabel(type)} ${problem}`, type.import!.moduleSpan, file)];
  });
  return [...resources, ...types];
}

/** `type 'ToolCall'`, or for an inline import `type 'ToolCall' imported by field 'call' of event 'E'`. */
export function importedTypeLabel(type: TypeModel): string {
  return type.inlineIn === undefined ? `type ${quote(type.name)}` : `type ${quote(type.name)} imported by ${type.inlineIn}`;
}
