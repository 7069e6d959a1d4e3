// One spec → its output: compile it, compare with what is on disk, write it (atomically, only when it
// changed, never through a symbolic link that leaves the output folder) or, with `check`, only compare.
// `Project` (project.ts) decides which specs there are and where each one's output goes.

import { readFile, rm } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { compile, type CompileOptions } from "./compile.js";
import type { Diagnostic } from "./diagnostics.js";
import { FileAccessError, type SpecFile } from "./files.js";
import { readModuleFromDisk } from "./module-reader.js";
import { displayPath, toSlashes } from "./paths.js";
import { assertInsideOutput, writeFileAtomic } from "./write-file.js";

export const DEFAULT_OUT_DIR = "generated";

/**
 * What happened to one spec's output: `written` (changed on disk), `unchanged` (already up to date, not
 * touched), `error` (the spec has errors; nothing written, an earlier output is left in place).
 */
export type BuildStatus = "written" | "unchanged" | "error";

/** With `check`: `unchanged` (up to date), `missing`, `stale` (what `build` would write differs), `error`. */
export type CheckStatus = "unchanged" | "missing" | "stale" | "error";

export interface BuildOptions {
  /** Output folder, relative to `cwd` (default `generated`). */
  out?: string;
  /** Module generated code imports the runtime from (default `flowspec/runtime`). */
  runtimeImport?: string;
  /** Base of relative paths (default `process.cwd()`). */
  cwd?: string;
  /** Write nothing; report outputs that are missing or differ (`build --check`, the CI drift check). */
  check?: boolean;
  /**
   * Also write each spec's typed HTTP client beside its output (`generated/joke.client.ts`), for
   * workflows served by flowspec/server (`build --client`). With `check`, it is compared too.
   */
  client?: boolean;
}

export interface BuildOneOptions extends Omit<BuildOptions, "out"> {
  /** Output folder, absolute or relative to `cwd`. */
  outDir: string;
}

export interface BuildOneResult<Status extends string = BuildStatus> {
  /** The spec as shown to the user (relative to `cwd` with `/`, or absolute outside it). */
  spec: string;
  /** Its output file, shown the same way. */
  output: string;
  status: Status;
  /** Errors and warnings, sorted by position. */
  diagnostics: Diagnostic[];
  /** The spec's text, for code frames. */
  source: string;
  /** Absolute paths of the modules its imported types' checks looked for, found or not (absent when
   * none): watch mode rebuilds the spec when one of them appears, changes or goes away. */
  modules?: string[];
}

/**
 * Compiles one spec and writes its output when it changed. A spec with errors writes nothing and
 * leaves any earlier output in place.
 * @example await buildOne({ path: "/repo/specs/a/joke.yaml", display: "specs/a/joke.yaml", relativePath: "a/joke.yaml" }, { outDir: "generated" })
 */
export async function buildOne(file: SpecFile, options: BuildOneOptions): Promise<BuildOneResult<BuildStatus>> {
  const compiled = await compileOne(file, options);
  const { contents, existing, outputPath, client, ...result } = compiled;
  if (contents === undefined) return { ...result, status: "error" };
  const outDir = resolve(options.cwd ?? process.cwd(), options.outDir);
  let written = false;
  for (const out of [{ path: outputPath, contents, existing }, ...(client === undefined ? [] : [client])]) {
    if (out.existing === out.contents) continue;
    await assertInsideOutput(out.path, outDir, options.cwd);
    await writeFileAtomic(out.path, out.contents);
    written = true;
  }
  return { ...result, status: written ? "written" : "unchanged" };
}

/** Compiles one spec and compares what it would write with the output on disk; writes nothing. */
export async function checkOne(file: SpecFile, options: BuildOneOptions): Promise<BuildOneResult<CheckStatus>> {
  const { contents, existing, outputPath: _, client, ...result } = await compileOne(file, options);
  if (contents === undefined) return { ...result, status: "error" };
  if (existing === undefined || (client !== undefined && client.existing === undefined)) return { ...result, status: "missing" };
  if (existing !== contents || (client !== undefined && client.existing !== client.contents)) return { ...result, status: "stale" };
  return { ...result, status: "unchanged" };
}

interface Compiled extends Omit<BuildOneResult, "status"> {
  outputPath: string;
  /** The new output; undefined when the spec has errors. */
  contents?: string;
  /** The output on disk; undefined when there is none. */
  existing?: string;
  /** With `client`: the client module's path, new contents and what is on disk. */
  client?: { path: string; contents: string; existing: string | undefined };
}

async function compileOne(file: SpecFile, options: BuildOneOptions): Promise<Compiled> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const outputPath = outputPathFor(file, resolve(cwd, options.outDir));
  const source = await readFile(file.path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new FileAccessError(`cannot read '${file.display}': ${error.code ?? error.message}`, file.display);
  });
  const modules: string[] = [];
  const readModule = readModuleFromDisk(cwd);
  const compileOptions: CompileOptions = {
    path: file.display,
    // Both relative to cwd, or both absolute: relative imports are computed between the two.
    outPath: isAbsolute(file.display) ? toSlashes(outputPath) : toSlashes(relative(cwd, outputPath)),
    ...(options.runtimeImport === undefined ? {} : { runtimeImport: options.runtimeImport }),
    // Imported types' modules are checked on disk, relative to cwd as the spec's display path is.
    readModule: (path) => {
      modules.push(resolve(cwd, path));
      return readModule(path);
    },
    ...(options.client ? { client: true } : {}),
  };
  const { diagnostics, files } = compile(source, compileOptions);
  const compiled: Compiled = { spec: file.display, output: displayPath(outputPath, cwd), diagnostics, source, outputPath, ...(modules.length > 0 ? { modules } : {}) };
  const contents = files[0]?.contents;
  if (contents === undefined) return compiled;
  const onDisk = (path: string) =>
    readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
  const existing = await onDisk(outputPath);
  const clientContents = files[1]?.contents;
  const clientPath = outputPath.replace(/\.ts$/, "") + ".client.ts";
  const client = clientContents === undefined ? undefined : { path: clientPath, contents: clientContents, existing: await onDisk(clientPath) };
  return { ...compiled, contents, ...(existing === undefined ? {} : { existing }), ...(client === undefined ? {} : { client }) };
}

/** `generated/a/joke.ts` for `specs/a/joke.yaml` found under `specs` (absolute when `outDir` is). */
export function outputPathFor(file: SpecFile, outDir: string): string {
  return join(outDir, file.relativePath.replace(/\.ya?ml$/i, "") + ".ts");
}

/**
 * Deletes a spec's output (watch mode, when the spec is deleted). Resolves to whether it existed.
 * @throws FileAccessError when the output lies behind a symbolic link that leaves `outDir`.
 */
export async function removeOutput(output: string, outDir: string, cwd?: string): Promise<boolean> {
  await assertInsideOutput(output, outDir, cwd);
  try {
    await rm(output);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
