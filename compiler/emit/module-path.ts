// Output: "../specs/support/llm.js" for a resource `module: ./support/llm.ts` of specs/joke.yaml
// emitted to generated/joke.ts. Pure path arithmetic: nothing here touches the disk.

import { posix } from "node:path";
import { normalizeSlashes } from "../paths.js";

/** TypeScript source extensions and what the emitted ESM import names instead. */
const SOURCE_TO_OUTPUT: Readonly<Record<string, string>> = { ".ts": ".js", ".tsx": ".js", ".mts": ".mjs", ".cts": ".cjs" };
const KNOWN_EXTENSIONS = /\.(?:[cm]?js|jsx|json|node)$/;


export function isRelativeSpecifier(specifier: string): boolean {
  return specifier === "." || specifier === ".." || specifier.startsWith("./") || specifier.startsWith("../");
}

/**
 * The import specifier for a resource module, as seen from the output file. A relative `module` is
 * relative to the spec file; it is rewritten relative to `outPath`, with a `.ts`-family extension
 * replaced by its `.js` counterpart and `.js` added when there is none (ESM needs it). Bare package
 * specifiers (`openai`, `@scope/pkg/sub`, `node:fs`) and absolute paths are kept as written.
 * Without a `specPath` to resolve against, only the extension is adjusted.
 *
 * @example importSpecifier("./support/llm.ts", "specs/joke.yaml", "generated/joke.ts") // "../specs/support/llm.js"
 */
export function importSpecifier(module: string, specPath?: string, outPath?: string): string {
  // An import specifier is URL-like: `/` separates, and a backslash is part of a name.
  if (!isRelativeSpecifier(module)) return module;
  const withExtension = esmExtension(module);
  if (specPath === undefined || outPath === undefined) return withExtension;
  const target = posix.join(posix.dirname(normalizeSlashes(specPath)), withExtension);
  const relative = posix.relative(posix.dirname(normalizeSlashes(outPath)), target);
  return relative.startsWith("../") || relative === ".." ? relative : `./${relative}`;
}

function esmExtension(path: string): string {
  const extension = posix.extname(path);
  const replacement = SOURCE_TO_OUTPUT[extension];
  if (replacement !== undefined && !path.endsWith(".d.ts")) return path.slice(0, -extension.length) + replacement;
  return KNOWN_EXTENSIONS.test(path) ? path : `${path}.js`;
}

/** `specs/a/joke.yaml` → `specs/a/joke.ts`: the default output path, beside the spec. */
export function defaultOutPath(specPath: string): string {
  const path = normalizeSlashes(specPath);
  return /\.ya?ml$/i.test(path) ? path.replace(/\.ya?ml$/i, ".ts") : `${path}.ts`;
}
