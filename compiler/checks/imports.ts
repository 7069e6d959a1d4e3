// Imported types (`types: { ToolCall: { import: ./schemas.js } }`, or a field's
// `type: { import: ./schemas.js, name: ToolCall }`): the module must exist and export the type
// `ToolCall` and its zod schema `ToolCallSchema`.
//
//   missing-module    (error)   a relative import path that resolves to no file
//   missing-export    (error)   the module, read, exports no `<name>Schema` (or, a TypeScript module, no type `<name>`)
//   unchecked-import  (warning) the compiler cannot see the type: a package import, a module that
//                               re-exports with `export *`, or one it could not read
//
// The checks read modules only through `readModule` (the CLI, `build`, `watch` and the Vite plugin
// pass one that reads the disk); without it, as in a bare `compile(source)`, they are skipped and
// TypeScript alone checks the import when it compiles the generated module. An import path that is
// `unsafe-module-path` is never read. Modules are read lightly (module-exports.ts), never run.

import { posix } from "node:path";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import { isRelativeSpecifier } from "../emit/module-path.js";
import type { SpecModel, TypeModel } from "../model.js";
import { normalizeSlashes } from "../paths.js";
import { suggester } from "../suggest.js";
import { quote } from "../text.js";
import { readExports, type ModuleExports } from "./module-exports.js";
import { identifierProblem } from "./identifiers.js";
import { modulePathProblem } from "./module-paths.js";

/**
 * Reads a module an imported type names, for the checks: its text, or undefined when there is no such
 * file. `path` is the spec's path joined with the import path, so it is on the same footing as the
 * spec's (relative to the same folder, or absolute). May throw when the file exists but cannot be read.
 */
export type ReadModule = (path: string) => string | undefined;

/** What TypeScript (NodeNext) tries for an import path's extension, in order. */
const CANDIDATES: Readonly<Record<string, readonly string[]>> = {
  ".js": [".ts", ".tsx", ".d.ts", ".js", ".jsx"],
  ".jsx": [".tsx", ".d.ts", ".jsx"],
  ".mjs": [".mts", ".d.mts", ".mjs"],
  ".cjs": [".cts", ".d.cts", ".cjs"],
};

const JAVASCRIPT = /\.(?:[cm]?js|jsx)$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The files an import path may name, in the order TypeScript tries them: `./schemas.js` →
 * `schemas.ts`, `schemas.tsx`, `schemas.d.ts`, `schemas.js`, `schemas.jsx`; a path without an extension
 * gets `.js` first, as the emitter writes it.
 * @example moduleCandidates("./support/schemas.js", "specs/tools.yaml") // ["specs/support/schemas.ts", ...]
 */
export function moduleCandidates(specifier: string, specPath: string): string[] {
  const target = posix.join(posix.dirname(normalizeSlashes(specPath)), specifier);
  if (/\.d\.[cm]?ts$|\.[cm]?tsx?$|\.json$/.test(target)) return [target];
  const extension = posix.extname(target);
  const replacements = CANDIDATES[extension];
  if (replacements !== undefined) return replacements.map((replacement) => target.slice(0, -extension.length) + replacement);
  return CANDIDATES[".js"]!.map((replacement) => target + replacement);
}

export function checkImports(model: SpecModel, file?: string, options: { readModule?: ReadModule; projectRoot?: string } = {}): Diagnostic[] {
  const { readModule } = options;
  if (readModule === undefined || file === undefined) return [];
  const location = { specPath: file, ...(options.projectRoot === undefined ? {} : { projectRoot: options.projectRoot }) };
  const read = memoRead(readModule);
  const diagnostics: Diagnostic[] = [];
  for (const type of model.types) {
    const imported = type.import;
    if (imported === undefined || imported.module === "" || modulePathProblem(imported.module, location) !== undefined) continue;
    // A name that is no identifier is invalid-identifier already: one mistake, one diagnostic.
    if (!IDENTIFIER.test(imported.name) || identifierProblem(type.name, "type") !== undefined) continue;
    const subject = importSubject(type);
    const names = `${quote(imported.name)} and ${quote(`${imported.name}Schema`)}`;
    if (!isRelativeSpecifier(imported.module)) {
      const message = `${subject}, a package the compiler does not read: it cannot check that it exports ${names} (TypeScript does, when it compiles the generated module)`;
      diagnostics.push(diagnostic("unchecked-import", message, imported.moduleSpan, file));
      continue;
    }
    const candidates = moduleCandidates(imported.module, file);
    let found: { path: string; text: string } | undefined;
    let unreadable: string | undefined;
    for (const path of candidates) {
      const result = read(path);
      if (result.error !== undefined) {
        unreadable = `${quote(path)} could not be read (${result.error})`;
        break;
      }
      if (result.text !== undefined) {
        found = { path, text: result.text };
        break;
      }
    }
    if (unreadable !== undefined) {
      diagnostics.push(diagnostic("unchecked-import", `${subject}, but ${unreadable}: its exports are not checked`, imported.moduleSpan, file));
      continue;
    }
    if (found === undefined) {
      const message = `${subject}, which does not exist: there is no ${describeCandidates(candidates)}`;
      diagnostics.push(diagnostic("missing-module", message, imported.moduleSpan, file));
      continue;
    }
    const exports = readExports(found.text);
    const schema = `zod schema ${quote(`${imported.name}Schema`)}`;
    const typeName = `type ${quote(imported.name)}`;
    const noSchema = !exports.values.has(`${imported.name}Schema`);
    // A JavaScript module declares no types: only its schema is looked for.
    const noType = !JAVASCRIPT.test(found.path) && !exports.types.has(imported.name);
    if (!noSchema && !noType) continue;
    if (exports.partial !== undefined) {
      const what = noSchema && noType ? `the ${schema} and the ${typeName}` : noSchema ? `the ${schema}` : `the ${typeName}`;
      const message = `${subject} (${found.path}): the compiler cannot see whether it exports ${what}: ${exports.partial}`;
      diagnostics.push(diagnostic("unchecked-import", message, imported.nameSpan, file));
      continue;
    }
    const what = noSchema && noType ? `neither the ${schema} nor the ${typeName}` : noSchema ? `no ${schema}` : `no ${typeName}`;
    const message = `${subject} (${found.path}), which exports ${what}${hint(imported.name, exports)}`;
    diagnostics.push(diagnostic("missing-export", message, imported.nameSpan, file));
  }
  return diagnostics;
}

/** `type 'T' is imported from "./m.js"`, `type 'Outcome' is imported as 'ToolResult' from …`, or for
 * an inline import `field 'call' of event 'E' imports type 'ToolCall' from …`. */
function importSubject(type: TypeModel): string {
  const imported = type.import!;
  const module = quote(imported.module);
  if (type.inlineIn !== undefined) return `${type.inlineIn} imports type ${quote(imported.name)} from ${module}`;
  const as = imported.name === type.name ? "" : ` as ${quote(imported.name)}`;
  return `type ${quote(type.name)} is imported${as} from ${module}`;
}

/** `support/tools.ts (nor .tsx, .d.ts, .js or .jsx)`. */
function describeCandidates(candidates: readonly string[]): string {
  const [first, ...rest] = candidates;
  if (rest.length === 0) return quote(first!);
  const base = first!.replace(/(?:\.d)?\.[^./]+$/, "");
  const extensions = rest.map((candidate) => (candidate.startsWith(base) ? candidate.slice(base.length) : candidate));
  const list = extensions.length === 1 ? extensions[0] : `${extensions.slice(0, -1).join(", ")} or ${extensions[extensions.length - 1]}`;
  return `${quote(first!)} (nor ${list})`;
}

/** ` (did you mean 'ToolCall'?)` over the module's exported types and schemas, or nothing. */
function hint(name: string, exports: ModuleExports): string {
  const candidates = new Set<string>([...exports.types, ...[...exports.values].filter((value) => value.endsWith("Schema")).map((value) => value.slice(0, -"Schema".length))]);
  candidates.delete(name);
  const suggestion = suggester(candidates)(name);
  return suggestion === undefined ? "" : ` (did you mean ${quote(suggestion)}?)`;
}

type ReadResult = { text?: string; error?: string };

function memoRead(readModule: ReadModule): (path: string) => ReadResult {
  const cache = new Map<string, ReadResult>();
  return (path) => {
    let result = cache.get(path);
    if (result === undefined) {
      try {
        const text = readModule(path);
        result = text === undefined ? {} : { text };
      } catch (error) {
        result = { error: (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error)) };
      }
      cache.set(path, result);
    }
    return result;
  };
}
