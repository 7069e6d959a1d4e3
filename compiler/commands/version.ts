// `flowspec --version` (or `-v`): the version of the installed package.

import { readFileSync } from "node:fs";

/**
 * The `version` of flowspec's package.json: two folders up from this module in the sources
 * (`compiler/commands/`), three when built (`dist/compiler/commands/`).
 *
 * @example packageVersion() // "0.1.0"
 */
export function packageVersion(): string {
  for (const path of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "flowspec" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // Not there, or not ours: try the next folder up.
    }
  }
  return "unknown";
}
