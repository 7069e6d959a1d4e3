// `flowspec/vite`: a Vite plugin that compiles `*.flow.yaml` imports on the fly, so an app writes
// `import { JokeFlowBase } from "./joke.flow.yaml"` and gets the generated module. The spec file itself is
// the module id, so Vite's watcher, module graph and HMR treat it like any source file; the emitted
// TypeScript goes through Vite's own esbuild transform. Errors fail the build (or show in the dev
// server's overlay) at the spec's file, line and column.

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { transformWithEsbuild, type Plugin, type ResolvedConfig } from "vite";
import { compile, type CompileOptions } from "./compile.js";
import { formatCodeFrame } from "./code-frame.js";
import type { Diagnostic } from "./diagnostics.js";
import { formatDiagnostic } from "./format.js";
import { readModuleFromDisk } from "./module-reader.js";
import { displayPath } from "./paths.js";

export interface FlowspecPluginOptions extends Pick<CompileOptions, "runtimeImport"> {
  /** Which imports are specs: tested against the file path (default: `.flow.yaml` and `.flow.yml`). */
  include?: RegExp;
}

const DEFAULT_INCLUDE = /\.flow\.ya?ml$/;

/**
 * The plugin factory (the default export of `flowspec/vite`).
 *
 * @example
 * // vite.config.ts
 * import { defineConfig } from "vite";
 * import flowspec from "flowspec/vite";
 * export default defineConfig({ plugins: [flowspec()] });
 *
 * // app.ts
 * import { JokeFlowBase, JokeWritten } from "./joke.flow.yaml";
 */
export default function flowspec(options: FlowspecPluginOptions = {}): Plugin {
  const include = options.include ?? DEFAULT_INCLUDE;
  let config: ResolvedConfig | undefined;
  const isSpec = (id: string) => !id.startsWith("\0") && include.test(cleanId(id));

  return {
    name: "flowspec",
    // Before Vite's own plugins, so no other plugin tries to read YAML as something else.
    enforce: "pre",
    configResolved(resolved) {
      config = resolved;
    },
    async load(id) {
      if (!isSpec(id)) return null;
      const file = cleanId(id);
      this.addWatchFile(file);
      const source = await readFile(file, "utf8");
      const root = config?.root ?? process.cwd();
      const path = displayPath(file, root);
      const readModule = readModuleFromDisk(root);
      const result = compile(source, {
        path,
        // The module "lives" where the spec is, so resource imports stay relative to the spec.
        outPath: path.replace(/\.ya?ml$/i, ".ts"),
        runtimeImport: options.runtimeImport,
        // An imported type's module is watched too: a change to its exports re-checks the spec.
        readModule: (modulePath) => {
          const text = readModule(modulePath);
          if (text !== undefined) this.addWatchFile(resolve(root, modulePath));
          return text;
        },
      });
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      for (const warning of result.diagnostics.filter((d) => d.severity === "warning")) {
        this.warn({ message: formatDiagnostic({ path, diagnostics: [warning] }, warning), id: file, loc: { file, line: warning.line, column: warning.column } });
      }
      if (errors.length > 0) {
        const first = errors[0]!;
        this.error({
          message: describeErrors(path, errors),
          id: file,
          loc: { file, line: first.line, column: first.column },
          frame: formatCodeFrame(source, first),
        });
      }
      const main = result.files[0];
      if (main === undefined) this.error({ message: `flowspec: compiling ${path} produced no module`, id: file });
      // Vite transpiles `.ts` ids itself; this id ends in `.yaml`, so hand the emitted TypeScript to the
      // same transform (it honours the app's tsconfig), naming it `.ts` for the loader and source map.
      const transformed = await transformWithEsbuild(main.contents, `${file}.ts`, { loader: "ts", target: "esnext", sourcemap: true }, undefined, config);
      return { code: transformed.code, map: transformed.map };
    },
  };
}

/** `path:line:column - error code: message` for each error; Vite prints the first one's frame. */
function describeErrors(path: string, errors: readonly Diagnostic[]): string {
  const lines = errors.map((d) => formatDiagnostic({ path, diagnostics: errors }, d));
  const count = errors.length === 1 ? "1 error" : `${errors.length} errors`;
  return `${path} has ${count}\n${lines.join("\n")}`;
}

/** Vite ids may carry a query (`?import`, `?v=…`). */
function cleanId(id: string): string {
  const query = id.search(/[?#]/);
  return query < 0 ? id : id.slice(0, query);
}
