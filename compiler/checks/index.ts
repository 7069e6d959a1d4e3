// Stage 4: the checks on a built model, each its own module returning plain diagnostics.
// Order does not matter (analyze() sorts by position); each check avoids repeating another's finding.

import type { Diagnostic } from "../diagnostics.js";
import type { SpecModel } from "../model.js";
import { checkFieldValues } from "./field-values.js";
import { buildEventTable } from "../graph/event-table.js";
import { buildEventGraph } from "../graph/event-graph.js";
import { checkIdentifiers } from "./identifiers.js";
import { checkImports, type ReadModule } from "./imports.js";
import { checkModulePaths } from "./module-paths.js";
import { checkNameCollisions } from "./names.js";
import { checkReachability } from "./reachability.js";
import { checkReferences } from "./references.js";
import { checkRouting } from "./routing.js";
import { checkStartEvents } from "./start-events.js";
import { checkUnused } from "./unused.js";

export interface CheckOptions {
  /** The folder resource modules must stay inside; see SpecLocation in module-paths.ts. */
  projectRoot?: string;
  /** Reads the modules imported types name (`missing-module`, `missing-export`, `unchecked-import`);
   * without it those checks are skipped. See imports.ts. */
  readModule?: ReadModule;
}

/**
 * Every model-level check of DESIGN.md's table, from `invalid-identifier` to `unused-type`.
 *
 * @example
 * const { model } = buildModel(data, locator, path);
 * const diagnostics = checkModel(model, path);   // unsorted; see sortDiagnostics
 */
export function checkModel(model: SpecModel, file?: string, options: CheckOptions = {}): Diagnostic[] {
  const events = buildEventTable(model);
  const routing = checkRouting(model, events, file);
  return [
    ...checkIdentifiers(model, file),
    ...checkNameCollisions(model, file),
    ...checkReferences(model, events, file),
    ...checkFieldValues(model, file),
    ...checkStartEvents(model, file),
    ...routing.diagnostics,
    ...checkReachability(model, buildEventGraph(model, events), routing, file),
    ...checkUnused(model, events, file),
    ...checkModulePaths(model, file, options.projectRoot),
    ...checkImports(model, file, options),
  ];
}

export { identifierProblem, type NameKind } from "./identifiers.js";
export { buildEventGraph, markReachable, type EventGraph } from "../graph/event-graph.js";
export { buildEventTable, type EventTable } from "../graph/event-table.js";
export { modulePathProblem, type SpecLocation } from "./module-paths.js";
export { moduleCandidates, type ReadModule } from "./imports.js";
export { quote } from "../text.js";
