// The project: which specs there are and which output each one writes, shared by `build` and `watch`
// (as TypeScript's program is shared by tsc and its watch mode). It owns the spec → output map and the
// collision rule, and applies one set of rules to both: folders are searched for *.yaml / *.yml,
// skipping dot-folders, node_modules, symlinked folders, and the output folder when it lies inside a
// searched folder (`--out .` and `--out specs` still build: outputs are `.ts`, never taken for specs).
//
//   const project = await Project.open(["specs"], { out: "generated" });   // throws on a collision
//   await project.buildAll(false);                                       // build
//   await project.update("/repo/specs/joke.yaml");                       // watch: one file changed

import { lstat } from "node:fs/promises";
import { basename, dirname, relative, resolve, sep } from "node:path";
import { buildOne, checkOne, DEFAULT_OUT_DIR, outputPathFor, removeOutput, type BuildOneResult, type CheckStatus, type BuildStatus } from "./build-one.js";
import { DEFAULT_SPEC_DIR, FileAccessError, findSpecFiles, isFile, isSkippedFolderName, isSpecFileName, type SpecFile } from "./files.js";
import { displayPath, isInside, isWithin, toSlashes } from "./paths.js";

export interface ProjectOptions {
  /** Output folder, relative to `cwd` (default `generated`). */
  out?: string;
  /** Module generated code imports the runtime from (default `flowspec/runtime`). */
  runtimeImport?: string;
  /** Base of relative paths (default `process.cwd()`). */
  cwd?: string;
  /** Also write each spec's typed HTTP client, `<output>.client.ts` (`build --client`). */
  client?: boolean;
}

/** What `update` did for one changed path. */
export type ProjectUpdate =
  /** Not a spec of this project (another file, a skipped folder, a symlinked folder, the outputs). */
  | { kind: "ignored" }
  /** The spec exists and was compiled (and written, when its output changed). */
  | { kind: "built"; file: SpecFile; output: string; result: BuildOneResult<BuildStatus> }
  /** The spec would write an output another spec already writes (`a.yaml` beside `a.yml`): not built. */
  | { kind: "refused"; file: SpecFile; output: string; error: FileAccessError }
  /** The spec is gone. `existed`: its output was deleted. `next`: a spec refused for the same output,
   * which may now be built. Another spec's output is never deleted. */
  | { kind: "removed"; file: SpecFile; output: string; existed: boolean; next?: string };

export class Project {
  readonly cwd: string;
  readonly outDir: string;
  /** The path arguments, absolute (default `specs`). */
  readonly roots: readonly string[];
  private readonly paths: readonly string[];
  private readonly runtimeImport: string | undefined;
  private readonly client: boolean;
  private readonly specs = new Map<string, SpecFile>();
  /** Output → the specs that would write it, in the order they appeared; the first one owns it. */
  private readonly claims = new Map<string, string[]>();
  /** Module an imported type names (absolute, found or not) → the specs whose last build looked for it. */
  private readonly dependents = new Map<string, Set<string>>();
  /** Spec → the modules its last build looked for. */
  private readonly dependencies = new Map<string, readonly string[]>();

  constructor(paths: readonly string[], options: ProjectOptions = {}) {
    this.cwd = resolve(options.cwd ?? process.cwd());
    this.outDir = resolve(this.cwd, options.out ?? DEFAULT_OUT_DIR);
    this.paths = paths.length > 0 ? [...paths] : [DEFAULT_SPEC_DIR];
    this.roots = this.paths.map((path) => resolve(this.cwd, path));
    this.runtimeImport = options.runtimeImport;
    this.client = options.client ?? false;
  }

  /**
   * Finds every spec under `paths` and refuses a set in which two would write one output.
   * @throws FileAccessError when a path cannot be found or read, or on a collision (before anything is written).
   */
  static async open(paths: readonly string[], options: ProjectOptions = {}): Promise<Project> {
    const project = new Project(paths, options);
    const found = await findSpecFiles(project.paths, project.cwd, { outDir: project.outDir });
    for (const file of found) project.claim(file);
    project.assertDistinctOutputs();
    return project;
  }

  /** Every known spec, in display order. */
  files(): SpecFile[] {
    return [...this.specs.values()].sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
  }

  /** Specs known to lie inside `folder` (watch mode: a folder was deleted). */
  specsInside(folder: string): string[] {
    return [...this.specs.keys()].filter((spec) => isInside(spec, folder));
  }

  outputOf(file: SpecFile): string {
    return outputPathFor(file, this.outDir);
  }

  /** Builds (or, with `check`, compares) every spec, one at a time so the order of writes is predictable. */
  async buildAll(check: boolean): Promise<BuildOneResult<BuildStatus | CheckStatus>[]> {
    const one = check ? checkOne : buildOne;
    const results: BuildOneResult<BuildStatus | CheckStatus>[] = [];
    for (const file of this.files()) results.push(await one(file, this.buildOptions()));
    return results;
  }

  /**
   * Brings one path up to date after it changed on disk (added, edited or deleted): watch mode turns
   * each file event into one call.
   */
  async update(path: string): Promise<ProjectUpdate> {
    const absolute = resolve(this.cwd, path);
    const file = await this.specFileFor(absolute);
    if (file === undefined) return { kind: "ignored" };
    const output = this.outputOf(file);
    if (await isFile(absolute)) {
      const owner = this.claim(file);
      if (owner !== absolute) return { kind: "refused", file, output, error: this.collision(this.specs.get(owner)!, file, output) };
      try {
        const result = await buildOne(file, this.buildOptions());
        this.track(absolute, result.modules ?? []);
        return { kind: "built", file, output, result };
      } catch (error) {
        // Deleted between the check and the read: handled as a removal below.
        if (!(error instanceof FileAccessError) || (await isFile(absolute))) throw error;
      }
    }
    const owned = this.claims.get(output)?.[0] === absolute;
    this.track(absolute, []);
    const next = this.release(file);
    if (!owned) return { kind: "removed", file, output, existed: false };
    const existed = await removeOutput(output, this.outDir, this.cwd);
    return { kind: "removed", file, output, existed, ...(next === undefined ? {} : { next }) };
  }

  /** The specs whose last build looked for the module at `absolute` (an imported type's module): watch
   * mode rebuilds them when it changes. Empty for any other file. */
  dependentsOf(absolute: string): string[] {
    return [...(this.dependents.get(absolute) ?? [])].sort();
  }

  /** Records the modules a spec's build looked for, replacing what its previous build looked for. */
  private track(spec: string, modules: readonly string[]): void {
    for (const module of this.dependencies.get(spec) ?? []) {
      const specs = this.dependents.get(module);
      specs?.delete(spec);
      if (specs?.size === 0) this.dependents.delete(module);
    }
    if (modules.length === 0) {
      this.dependencies.delete(spec);
      return;
    }
    this.dependencies.set(spec, modules);
    for (const module of modules) {
      const specs = this.dependents.get(module) ?? new Set<string>();
      specs.add(spec);
      this.dependents.set(module, specs);
    }
  }

  /**
   * The spec at `absolute` as `findSpecFiles` would list it, or undefined when the project's rules
   * leave it out. The file itself need not exist (it may just have been deleted).
   */
  async specFileFor(absolute: string): Promise<SpecFile | undefined> {
    const root = this.rootOf(absolute);
    if (root === undefined) return undefined;
    if (root === absolute) return { path: absolute, display: displayPath(absolute, this.cwd), relativePath: basename(absolute) };
    if (!isSpecFileName(absolute) || this.ignoresFolder(dirname(absolute), root)) return undefined;
    // Symlinked folders are not followed (they could form a cycle); `findSpecFiles` skips them too.
    for (let folder = dirname(absolute); folder !== root && isInside(folder, root); folder = dirname(folder)) {
      if ((await lstat(folder).catch(() => undefined))?.isSymbolicLink()) return undefined;
    }
    return { path: absolute, display: displayPath(absolute, this.cwd), relativePath: toSlashes(relative(root, absolute)) };
  }

  /**
   * Whether a path under a searched folder is left out without looking at the disk: skipped folders
   * (and what is in them), and files that are not specs. Watch mode uses it to not even watch them.
   */
  ignores(absolute: string, isFileNow: boolean): boolean {
    if (this.roots.includes(absolute)) return false;
    const root = this.rootOf(absolute);
    if (root === undefined) return !this.roots.some((r) => isInside(r, absolute)); // an ancestor on the way down is kept
    if (isFileNow) return !isSpecFileName(absolute) || this.ignoresFolder(dirname(absolute), root);
    return this.ignoresFolder(absolute, root);
  }

  /** A folder under `root` whose specs are left out: a dot-folder, node_modules, or in one; the output folder. */
  private ignoresFolder(folder: string, root: string): boolean {
    const names = relative(root, folder).split(sep).filter((part) => part !== "");
    if (names.some(isSkippedFolderName)) return true;
    // The output folder holds outputs when it lies inside the searched folder; `--out .` or `--out specs` does not.
    return isInside(this.outDir, root) && isWithin(folder, this.outDir);
  }

  /** The path argument that names this file (later arguments win, as in findSpecFiles). */
  private rootOf(absolute: string): string | undefined {
    return [...this.roots].reverse().find((root) => isWithin(absolute, root));
  }

  /** Records `file` as a claimant of its output; returns the output's owner (the first claimant still there). */
  private claim(file: SpecFile): string {
    this.specs.set(file.path, file);
    const output = this.outputOf(file);
    const claimants = this.claims.get(output) ?? [];
    if (!claimants.includes(file.path)) claimants.push(file.path);
    this.claims.set(output, claimants);
    return claimants[0]!;
  }

  /** Forgets `file`; returns the spec that now owns its output, if any. */
  private release(file: SpecFile): string | undefined {
    this.specs.delete(file.path);
    const output = this.outputOf(file);
    const claimants = (this.claims.get(output) ?? []).filter((spec) => spec !== file.path);
    if (claimants.length === 0) this.claims.delete(output);
    else this.claims.set(output, claimants);
    return claimants[0];
  }

  /** @throws FileAccessError naming both specs and the output, for the first collision. */
  private assertDistinctOutputs(): void {
    for (const [output, [owner, other]] of this.claims) {
      if (other !== undefined) throw this.collision(this.specs.get(owner!)!, this.specs.get(other)!, output);
    }
    if (!this.client) return;
    // With --client, `a.yaml` also writes `a.client.ts`: the output of a spec named `a.client.yaml`.
    for (const [output, [owner]] of this.claims) {
      const clientOwner = this.claims.get(output.replace(/\.client\.ts$/, ".ts"));
      if (output.endsWith(".client.ts") && clientOwner !== undefined) throw this.collision(this.specs.get(clientOwner[0]!)!, this.specs.get(owner!)!, output);
    }
  }

  private collision(owner: SpecFile, other: SpecFile, output: string): FileAccessError {
    return new FileAccessError(`${owner.display} and ${other.display} would both write ${displayPath(output, this.cwd)}`, other.display);
  }

  private buildOptions() {
    return { outDir: this.outDir, cwd: this.cwd, ...(this.runtimeImport === undefined ? {} : { runtimeImport: this.runtimeImport }), ...(this.client ? { client: true } : {}) };
  }
}
