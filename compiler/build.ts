// `build(paths, options)`: compile every spec under `paths` into `out`, mirroring folders
// (`specs/a/joke.yaml` → `generated/a/joke.ts`), writing atomically and only what changed. Which specs
// there are and where each output goes is the `Project`'s business (project.ts), shared with watch
// mode; one spec's compile-and-write is build-one.ts. With `check`, nothing is written.

import { type BuildOneResult, type BuildOptions, type BuildStatus, type CheckStatus } from "./build-one.js";
import { Project } from "./project.js";

export {
  buildOne,
  checkOne,
  DEFAULT_OUT_DIR,
  outputPathFor,
  removeOutput,
  type BuildOneOptions,
  type BuildOneResult,
  type BuildOptions,
  type BuildStatus,
  type CheckStatus,
} from "./build-one.js";

export interface BuildResult {
  /** One entry per spec, in path order. */
  files: BuildOneResult<BuildStatus | CheckStatus>[];
  errors: number;
  warnings: number;
}

/**
 * Builds every spec found under `paths` (files or folders; default `specs`).
 * @throws FileAccessError when a path cannot be found or read, when two specs would write the same
 * output, or when an output lies behind a symbolic link that leaves the output folder; other I/O
 * errors as they come.
 * @example
 * const result = await build(["specs"], { out: "generated" });
 * result.files.map((f) => `${f.spec}: ${f.status}`); // ["specs/joke.yaml: written", ...]
 */
export async function build(paths: readonly string[], options: BuildOptions = {}): Promise<BuildResult> {
  const project = await Project.open(paths, options);
  const files = await project.buildAll(options.check ?? false);
  let errors = 0;
  let warnings = 0;
  for (const d of files.flatMap((file) => file.diagnostics)) {
    if (d.severity === "error") errors++;
    else warnings++;
  }
  return { files, errors, warnings };
}
