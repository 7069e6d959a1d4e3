// Turns CLI path arguments (files or folders) into the sorted list of spec files they name. The same
// rules (what is a spec, which folders are skipped) decide, in watch mode, whether a changed file is one.

import { readdir, stat } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import { displayPath, isInside, toSlashes } from "./paths.js";

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

export interface FindOptions {
  /** The output folder: when it lies inside a searched folder, it holds outputs, not specs, and is
   * skipped. (When it is the searched folder or holds it, `--out .`, nothing is skipped: outputs are
   * `.ts` files, never taken for specs.) */
  outDir?: string;
}

/**
 * Every spec named by `args` (default `specs`): file arguments as given, folders searched recursively
 * for *.yaml / *.yml (skipping dot-folders, node_modules, the output folder and symlinked folders).
 * Sorted by display path, without duplicates.
 * @throws FileAccessError when an argument does not exist or cannot be read.
 * @example await findSpecFiles(["specs"], process.cwd()) // [{ display: "specs/joke.yaml", relativePath: "joke.yaml", ... }]
 */
export async function findSpecFiles(args: readonly string[], cwd: string, options: FindOptions = {}): Promise<SpecFile[]> {
  const found = new Map<string, SpecFile>();
  for (const arg of args.length > 0 ? args : [DEFAULT_SPEC_DIR]) {
    const absolute = resolve(cwd, arg);
    const stats = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
      throw new FileAccessError(describeAccessError(arg, error), arg);
    });
    if (stats.isDirectory()) {
      const skip = options.outDir !== undefined && isInside(options.outDir, absolute) ? options.outDir : undefined;
      for (const file of await searchFolder(absolute, cwd, skip)) {
        found.set(file, { path: file, display: displayPath(file, cwd), relativePath: toSlashes(relative(absolute, file)) });
      }
    } else {
      found.set(absolute, { path: absolute, display: displayPath(absolute, cwd), relativePath: basename(absolute) });
    }
  }
  return [...found.values()].sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
}

/** Folders no search enters: dot-folders (`.git`) and node_modules. */
export function isSkippedFolderName(name: string): boolean {
  return name.startsWith(".") || name === "node_modules";
}

async function searchFolder(folder: string, cwd: string, skip: string | undefined): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    const shown = displayPath(folder, cwd);
    throw new FileAccessError(describeAccessError(shown, error), shown);
  });
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!isSkippedFolderName(entry.name) && full !== skip) files.push(...(await searchFolder(full, cwd, skip)));
    } else if (isSpecFileName(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(full))))) {
      // Symlinked files are followed; symlinked folders are not (they could form a cycle).
      files.push(full);
    }
  }
  return files;
}

export async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

function describeAccessError(arg: string, error: NodeJS.ErrnoException): string {
  if (error.code === "ENOENT") return `path '${arg}' does not exist`;
  if (error.code === "EACCES" || error.code === "EPERM") return `cannot read '${arg}': permission denied`;
  return `cannot read '${arg}': ${error.message}`;
}
