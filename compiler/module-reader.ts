// The disk reader the imported-types checks use (checks/imports.ts) in `flowspec check`, `build`,
// `watch` and the Vite plugin. `compile` itself touches no disk: this is passed in as `readModule`.

import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { ReadModule } from "./checks/index.js";

/** A module larger than this is not read (an app's schema module is a few kilobytes). */
export const MAX_MODULE_BYTES = 4 * 1024 * 1024;

/**
 * Reads a module as the checks ask for it: undefined when there is no such file (or a folder is
 * there); throws when the file exists but cannot be read, or is larger than 4 MiB.
 * @example compile(source, { path: "specs/tools.yaml", readModule: readModuleFromDisk(process.cwd()) })
 */
export function readModuleFromDisk(cwd: string = process.cwd()): ReadModule {
  return (path) => {
    const absolute = resolve(cwd, path);
    let size: number;
    try {
      const stat = statSync(absolute);
      if (!stat.isFile()) return undefined;
      size = stat.size;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw error;
    }
    if (size > MAX_MODULE_BYTES) throw new Error(`it is larger than ${MAX_MODULE_BYTES / 1024 / 1024} MiB`);
    return readFileSync(absolute, "utf8");
  };
}
