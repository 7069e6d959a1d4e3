// Turns CLI path arguments (files or folders) into the sorted list of spec files they name.

import { readdir, stat } from "node:fs/promises";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";

/** Searched when the command line names no path. */
export const DEFAULT_SPEC_DIR = "specs";

/** A path could not be found or read: the commands report it and exit 2. */
export class FileAccessError extends Error {
  override name = "FileAccessError";
  constructor(
    message: string,
    /** The path at fault, as shown to the user. */
    readonly path: string,
  ) {
    super(message);
  }
}

export interface SpecFile {
  /** Absolute path, for reading. */
  path: string;
  /** As shown to the user: relative to the working directory (with `/`), or absolute when outside it. */
  display: string;
  /**
   * Relative to the folder argument it was found under, with `/` (`a/joke.yaml` for `specs/a/joke.yaml`
   * found under `specs`); a file argument's own name. What `build --out` mirrors.
   */
  relativePath: string;
}

export function isSpecFileName(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

/**
 * Every spec named by `args` (default `specs`): file arguments as given, folders searched recursively
 * for *.yaml / *.yml (skipping dot-folders and node_modules). Sorted by display path, without duplicates.
 * @throws FileAccessError when an argument does not exist or cannot be read.
 * @example await findSpecFiles(["specs"], process.cwd()) // [{ display: "specs/joke.yaml", relativePath: "joke.yaml", ... }]
 */
export async function findSpecFiles(args: readonly string[], cwd: string): Promise<SpecFile[]> {
  const found = new Map<string, SpecFile>();
  for (const arg of args.length > 0 ? args : [DEFAULT_SPEC_DIR]) {
    const absolute = resolve(cwd, arg);
    const stats = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
      throw new FileAccessError(describeAccessError(arg, error), arg);
    });
    if (stats.isDirectory()) {
      for (const file of await searchFolder(absolute, cwd)) {
        found.set(file, { path: file, display: displayPath(file, cwd), relativePath: toSlashes(relative(absolute, file)) });
      }
    } else {
      found.set(absolute, { path: absolute, display: displayPath(absolute, cwd), relativePath: basename(absolute) });
    }
  }
  return [...found.values()].sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
}

async function searchFolder(folder: string, cwd: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    const shown = displayPath(folder, cwd);
    throw new FileAccessError(describeAccessError(shown, error), shown);
  });
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(".") && entry.name !== "node_modules") files.push(...(await searchFolder(full, cwd)));
    } else if (isSpecFileName(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(full))))) {
      // Symlinked files are followed; symlinked folders are not (they could form a cycle).
      files.push(full);
    }
  }
  return files;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

function displayPath(absolute: string, cwd: string): string {
  const fromCwd = relative(cwd, absolute);
  const outside = fromCwd === ".." || fromCwd.startsWith(`..${sep}`) || isAbsolute(fromCwd);
  return fromCwd === "" || outside ? absolute : toSlashes(fromCwd);
}

function toSlashes(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

function describeAccessError(arg: string, error: NodeJS.ErrnoException): string {
  if (error.code === "ENOENT") return `path '${arg}' does not exist`;
  if (error.code === "EACCES" || error.code === "EPERM") return `cannot read '${arg}': permission denied`;
  return `cannot read '${arg}': ${error.message}`;
}
