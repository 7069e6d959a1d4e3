// `flowspec/compiler`: the compiler as a library (DESIGN.md, "Compiler API").
//
//   compile(source, options)  spec text → diagnostics and the generated module; touches no disk
//   check(source, options)    the diagnostics alone
//   analyze(source, options)  the diagnostics and the typed model (for tools: graphs, editors)
//   build(paths, options)     reads specs, writes outputs; buildOne rebuilds a single spec
//   watch(paths, options)     keeps outputs up to date as specs change
//   renderMermaid(model)      the event graph as Mermaid (renderDot: Graphviz), as `flowspec graph` prints

export { analyze, type AnalyzeOptions, type AnalyzeResult } from "./analyze.js";
export {
  build,
  buildOne,
  checkOne,
  outputPathFor,
  DEFAULT_OUT_DIR,
  type BuildOneOptions,
  type BuildOneResult,
  type BuildOptions,
  type BuildResult,
  type BuildStatus,
  type CheckStatus,
} from "./build.js";
export { check, compile, DEFAULT_RUNTIME_IMPORT, type CompileOptions, type CompileResult, type OutputFile } from "./compile.js";
export type { ReadModule } from "./checks/index.js";
export { readModuleFromDisk } from "./module-reader.js";
export type { Diagnostic, DiagnosticCode, Severity, Span } from "./diagnostics.js";
export { buildFlowGraph, renderDot, renderMermaid } from "./graph/index.js";
export type * from "./model.js";
export { Project, type ProjectOptions, type ProjectUpdate } from "./project.js";
export { watch, type ReadyEvent, type RebuildEvent, type RebuildStatus, type WatchOptions, type Watcher } from "./watch.js";
