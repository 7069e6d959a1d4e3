// The front half of the pipeline: load → schema check → model → model checks.
// Returns every diagnostic at once, sorted by position; the model only when nothing blocked building it.

import { hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics.js";
import { buildModel } from "./build-model.js";
import { checkModel, type ReadModule } from "./checks/index.js";
import { loadYaml } from "./load.js";
import type { SpecModel } from "./model.js";
import { checkSchema } from "./schema-check.js";

export interface AnalyzeOptions {
  /** The spec's path, used in diagnostics and the generated header. */
  path?: string;
  /** The folder resource modules must stay inside (`unsafe-module-path`), on the same footing as
   * `path`. Default: the folder `path` is relative to (`.` for `specs/joke.yaml`). */
  projectRoot?: string;
  /** Reads the modules imported types name, so the checks can see that they exist and export the
   * type and its schema; without it those checks are skipped (see checks/imports.ts).
   * `readModuleFromDisk(cwd)` (module-reader.ts) is the one the CLI uses. */
  readModule?: ReadModule;
}

export interface AnalyzeResult {
  /** Present when the document was schema-valid (it may still have model-level errors). */
  model?: SpecModel;
  diagnostics: Diagnostic[];
}

export function analyze(source: string, options: AnalyzeOptions = {}): AnalyzeResult {
  const file = options.path;
  const loaded = loadYaml(source, file);
  if (loaded.data === undefined || hasErrors(loaded.diagnostics)) {
    return { diagnostics: sortDiagnostics(loaded.diagnostics) };
  }
  const schemaDiagnostics = checkSchema(loaded.data, loaded.locator, file);
  if (hasErrors(schemaDiagnostics)) {
    return { diagnostics: sortDiagnostics([...loaded.diagnostics, ...schemaDiagnostics]) };
  }
  const built = buildModel(loaded.data, loaded.locator, file);
  const diagnostics = [...loaded.diagnostics, ...schemaDiagnostics, ...built.diagnostics, ...checkModel(built.model, file, options)];
  return { model: built.model, diagnostics: sortDiagnostics(diagnostics) };
}
