// Watch mode as a library: an initial build of every spec, then a rebuild of only the spec that changed.
// Bursts of saves are debounced per spec; a deleted spec's output is removed; a broken spec reports its
// diagnostics and keeps its last good output; unchanged outputs are not rewritten; the output folder is
// never watched. It prints nothing: the CLI (commands/watch.ts) or the embedding app listens to events.

import { EventEmitter } from "node:events";
import { stat } from "node:fs/promises";
import { basename, isAbsolute, relative, resolve, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { watch as watchFiles, type FSWatcher } from "chokidar";
import { buildOne, DEFAULT_OUT_DIR, outputPathFor, removeOutput } from "./build.js";
import type { Diagnostic } from "./diagnostics.js";
import { DEFAULT_SPEC_DIR, FileAccessError, isSpecFileName, type SpecFile } from "./files.js";

export interface WatchOptions {
  /** Output folder (default `generated`), relative to `cwd`; it is never watched. */
  out?: string;
  /** Module generated code imports the runtime from (default `flowspec/runtime`). */
  runtimeImport?: string;
  /** Base of relative paths, in arguments and in events (default `process.cwd()`). */
  cwd?: string;
  /** Quiet time after a spec's last change before it is rebuilt, in ms (default 50). */
  debounceMs?: number;
  /** Poll instead of using native events (network drives, some containers). */
  usePolling?: boolean;
}

export type RebuildStatus = "written" | "unchanged" | "error" | "removed";

/** One spec rebuilt (or removed). Paths are relative to `cwd` with `/`, like the CLI shows them. */
export interface RebuildEvent {
  spec: string;
  /** The spec's output file (for `removed`: the file that was, or would have been, its output). */
  output: string;
  /** `written`: the output changed on disk; `unchanged`: already up to date, not touched; `error`: the spec
   * has errors, its last good output is left in place; `removed`: the spec is gone, and so is its output. */
  status: RebuildStatus;
  /** Everything the compiler found, errors and warnings, sorted by position. */
  diagnostics: Diagnostic[];
  /** From the start of the rebuild to its output being on disk. */
  ms: number;
  /** Part of the initial build, before `ready`. */
  initial: boolean;
  /** For `removed`: whether there was an output file to delete. */
  existed?: boolean;
  /** The spec text that was compiled (absent for `removed`), for code frames. */
  source?: string;
}

/** The initial build is done and changes are being watched. */
export interface ReadyEvent {
  specs: number;
  errors: number;
  ms: number;
}

export interface WatcherEvents {
  rebuild: [event: RebuildEvent];
  /** A spec's diagnostics, whenever a rebuild finds any (also part of its `rebuild` event). */
  diagnostics: [spec: string, diagnostics: Diagnostic[]];
  /** An I/O or watcher failure; the watcher keeps running. Unheard errors are dropped, never thrown. */
  error: [error: Error];
  ready: [event: ReadyEvent];
}

export interface Watcher {
  /** Stops watching, cancels pending rebuilds and waits for a running one to finish. */
  close(): Promise<void>;
  on<K extends keyof WatcherEvents>(event: K, listener: (...args: WatcherEvents[K]) => void): Watcher;
  off<K extends keyof WatcherEvents>(event: K, listener: (...args: WatcherEvents[K]) => void): Watcher;
}

/**
 * Watches spec files and folders (default `specs`) and keeps their outputs up to date.
 *
 * @example
 * const watcher = watch(["specs"], { out: "generated" });
 * watcher.on("rebuild", (e) => console.log(e.status, e.spec, `${e.ms} ms`));
 * watcher.on("ready", () => console.log("watching"));
 * await watcher.close();
 */
export function watch(paths: readonly string[], options: WatchOptions = {}): Watcher {
  return new SpecWatcher(paths.length > 0 ? paths : [DEFAULT_SPEC_DIR], options);
}

class SpecWatcher implements Watcher {
  private readonly events = new EventEmitter<WatcherEvents>();
  private readonly cwd: string;
  private readonly roots: string[];
  private readonly outDir: string;
  private readonly debounceMs: number;
  private readonly fsWatcher: FSWatcher;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Specs waiting for a rebuild, each with whether it belongs to the initial build. */
  private readonly queue = new Map<string, boolean>();
  /** Specs seen by the initial scan, built before `ready`. */
  private initial: Set<string> | undefined = new Set();
  private readonly known = new Set<string>();
  private draining: Promise<void> | undefined;
  private closed = false;
  private readonly startedAt = performance.now();

  constructor(
    paths: readonly string[],
    private readonly options: WatchOptions,
  ) {
    this.cwd = resolve(options.cwd ?? process.cwd());
    this.roots = paths.map((path) => resolve(this.cwd, path));
    this.outDir = resolve(this.cwd, options.out ?? DEFAULT_OUT_DIR);
    this.debounceMs = options.debounceMs ?? 50;
    this.fsWatcher = watchFiles(this.roots, {
      ignoreInitial: false,
      usePolling: options.usePolling ?? false,
      ignored: (path, stats) => this.ignored(path, stats?.isFile() ?? false),
    });
    this.fsWatcher
      .on("add", (path) => this.changed(path))
      .on("change", (path) => this.changed(path))
      .on("unlink", (path) => this.changed(path))
      .on("unlinkDir", (dir) => this.folderRemoved(dir))
      .on("error", (error) => this.fail(error))
      .on("ready", () => this.scanned());
  }

  on<K extends keyof WatcherEvents>(event: K, listener: (...args: WatcherEvents[K]) => void): Watcher {
    this.events.on(event, listener as never);
    return this;
  }

  off<K extends keyof WatcherEvents>(event: K, listener: (...args: WatcherEvents[K]) => void): Watcher {
    this.events.off(event, listener as never);
    return this;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.clear();
    await this.fsWatcher.close();
    await this.draining;
  }

  /** The output folder, dot-folders and node_modules under a watched folder, and files that are not specs. */
  private ignored(path: string, isFile: boolean): boolean {
    const absolute = resolve(this.cwd, path);
    if (this.roots.includes(absolute)) return false;
    if (absolute === this.outDir || isInside(absolute, this.outDir)) return true;
    const root = this.rootOf(absolute);
    if (root === undefined) return false; // an ancestor of a watched path, on the way down to it
    const parts = relative(root, absolute).split(sep);
    if (parts.some((part) => part === "node_modules" || part.startsWith("."))) return true;
    return isFile && !isSpecFileName(absolute);
  }

  private changed(path: string): void {
    const spec = resolve(this.cwd, path);
    if (this.closed || (!isSpecFileName(spec) && !this.roots.includes(spec))) return;
    if (this.initial) {
      this.initial.add(spec);
      return;
    }
    const pending = this.timers.get(spec);
    if (pending) clearTimeout(pending);
    this.timers.set(
      spec,
      setTimeout(() => {
        this.timers.delete(spec);
        this.enqueue([spec]);
      }, this.debounceMs),
    );
  }

  private folderRemoved(dir: string): void {
    const folder = resolve(this.cwd, dir);
    for (const spec of this.known) if (isInside(spec, folder)) this.changed(spec);
  }

  /** The initial scan is complete: build everything it found, then announce `ready`. */
  private scanned(): void {
    const specs = [...(this.initial ?? [])].sort();
    this.initial = undefined;
    let errors = 0;
    const count = (event: RebuildEvent) => {
      if (event.initial && event.status === "error") errors++;
    };
    this.events.on("rebuild", count);
    void this.enqueue(specs, true).then(() => {
      this.events.off("rebuild", count);
      if (!this.closed) this.events.emit("ready", { specs: specs.length, errors, ms: elapsed(this.startedAt) });
    });
  }

  /** Resolves once the queue is empty (including what this call added). */
  private enqueue(specs: readonly string[], initial = false): Promise<void> {
    for (const spec of specs) this.queue.set(spec, initial);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      // Changes that arrived while the last rebuild was finishing.
      if (this.queue.size > 0 && !this.closed) void this.enqueue([]);
    });
    return this.draining;
  }

  /** One rebuild at a time, in arrival order: outputs are never written concurrently. */
  private async drain(): Promise<void> {
    for (const [spec, initial] of this.queue) {
      if (this.closed) return;
      this.queue.delete(spec);
      try {
        await this.rebuild(spec, initial);
      } catch (error) {
        this.fail(error);
      }
    }
  }

  private async rebuild(absolute: string, initial: boolean): Promise<void> {
    const started = performance.now();
    const file = this.specFile(absolute);
    const output = outputPathFor(file, this.outDir);
    const base = { spec: file.display, output: this.display(output), initial };
    const exists = () => stat(absolute).then((s) => s.isFile(), () => false);
    if (await exists()) {
      this.known.add(absolute);
      try {
        const result = await buildOne(file, { outDir: this.outDir, runtimeImport: this.options.runtimeImport, cwd: this.cwd });
        this.emitRebuild({ ...base, status: result.status, diagnostics: result.diagnostics, source: result.source, ms: elapsed(started) });
        return;
      } catch (error) {
        // Deleted between the check and the read: handled as a removal below.
        if (!(error instanceof FileAccessError) || (await exists())) throw error;
      }
    }
    this.known.delete(absolute);
    const existed = await removeOutput(output);
    this.emitRebuild({ ...base, status: "removed", diagnostics: [], existed, ms: elapsed(started) });
  }

  private emitRebuild(event: RebuildEvent): void {
    if (event.diagnostics.length > 0) this.events.emit("diagnostics", event.spec, event.diagnostics);
    this.events.emit("rebuild", event);
  }

  /** The spec as `findSpecFiles` would list it: its display path and its path under the argument that names it. */
  private specFile(absolute: string): SpecFile {
    const root = this.rootOf(absolute);
    const relativePath = root === undefined || root === absolute ? basename(absolute) : toSlashes(relative(root, absolute));
    return { path: absolute, display: this.display(absolute), relativePath };
  }

  /** The watched path that names this file (later arguments win, as in findSpecFiles). */
  private rootOf(absolute: string): string | undefined {
    return [...this.roots].reverse().find((root) => root === absolute || isInside(absolute, root));
  }

  private display(absolute: string): string {
    const fromCwd = relative(this.cwd, absolute);
    return fromCwd === "" || fromCwd.startsWith("..") || isAbsolute(fromCwd) ? absolute : toSlashes(fromCwd);
  }

  private fail(error: unknown): void {
    if (this.events.listenerCount("error") > 0) this.events.emit("error", error instanceof Error ? error : new Error(String(error)));
  }
}

function isInside(path: string, folder: string): boolean {
  const fromFolder = relative(folder, path);
  return fromFolder !== "" && !fromFolder.startsWith("..") && !isAbsolute(fromFolder);
}

function toSlashes(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
