#!/usr/bin/env node
// Bundles the `flowspec` binary into dist/cli/ (run by `npm run build`, after tsc): the CLI's own
// modules and `yaml` become a few files, so starting it resolves and loads a handful of modules
// instead of ~110 (half the start-up time of `flowspec check` was module loading). Commands stay
// lazy: each is its own chunk, loaded only when it runs. Every other package stays external
// (chokidar, vite, better-sqlite3, zod…), so `watch`, `runs` and the Vite plugin load what they load
// today, and only when used. The library entry points (flowspec/compiler, …) are tsc's dist/ output.

import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const OUT = `${REPO}dist/cli`;
const pkg = JSON.parse(readFileSync(`${REPO}package.json`, "utf8"));
const packages = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies });

/**
 * flowspec/server's imports of the runtime stay outside the bundle, as `flowspec/runtime` (and
 * `/backend`): the workflows `flowspec serve` serves come from the user's module, which imports
 * `flowspec/runtime`, and the server must work with that runtime (its symbols and classes), not a
 * copy bundled into the bin. Node resolves the package's own name from dist/cli (self-reference).
 */
const serverSeesTheUsersRuntime = {
  name: "server-sees-the-users-runtime",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/runtime\/(index|backend)\.js$/ }, (args) =>
      /[\\/]server[\\/][^\\/]+$/.test(args.importer) ? { path: args.path.includes("backend") ? "flowspec/runtime/backend" : "flowspec/runtime", external: true } : undefined,
    );
  },
};

rmSync(OUT, { recursive: true, force: true });
await build({
  absWorkingDir: REPO,
  entryPoints: { flowspec: "compiler/cli.ts" },
  outdir: OUT,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // yaml is CommonJS and calls require(); an ES module has no require of its own.
  banner: { js: 'import { createRequire as __flowspecCreateRequire } from "node:module"; const require = __flowspecCreateRequire(import.meta.url);' },
  external: packages.filter((name) => name !== "yaml"),
  plugins: [serverSeesTheUsersRuntime],
  logLevel: "warning",
});
