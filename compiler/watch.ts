// Watch mode as a library: an initial build of every spec, then a rebuild of only the spec that changed.
// Bursts of saves are debounced per spec; a deleted spec's output is removed; a broken spec reports its
// diagnostics and keeps its last good output; unchanged outputs are not rewritten. Which files are
// specs, where their outputs go and which spec owns an output is the `Project`'s (project.ts), shared
// with `build`: watch only turns file events into `project.update(path)`. It prints nothing: the CLI
// (commands/watch.ts) or the embedding app listens to events.

import { EventEmitter } from "node:events";
import { existsSync, lstatSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { watch as watchFiles, type FSWatcher } from "chokidar";
import type { Diagnostic } from "./diagnostics.js";
import { displayPath } from "./paths.js";
import { Project } from "./project.js";

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
  /** An I/O or watcher failure, a spec refused because another already writes its output, or a write
   * refused because it would leave the output folder; the watcher keeps running. Unheard errors are
   * dropped, never thrown. */
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
  return new SpecWatcher(paths, options);
}

class SpecWatcher implements Watcher {
  private readonly events = new EventEmitter<WatcherEvents>();
  private readonly project: Project;
  private readonly debounceMs: number;
  private readonly fsWatcher: FSWatcher;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Specs waiting for a rebuild, each with whether it belongs to the initial build. */
  private readonly queue = new Map<string, boolean>();
  /** Specs seen by the initial scan, built before `ready`. */
  private initial: Set<string> | undefined = new Set();
  private draining: Promise<void> | undefined;
  private closed = false;
  private readonly startedAt = performance.now();
  /** Modules imported types name (absolute, found or not) that are being watched. */
  private readonly modules = new Set<string>();
  /** Of those, the ones that existed when watching began: chokidar reports each once as added. */
  private readonly announced = new Set<string>();

  constructor(paths: readonly string[], options: WatchOptions) {
    this.project = new Project(paths, options);
    this.debounceMs = options.debounceMs ?? 50;
    this.fsWatcher = watchFiles([...this.project.roots], {
      ignoreInitial: false,
      usePolling: options.usePolling ?? false,
      // Symlinked folders are not entered, as `build` does not enter them (they could form a cycle);
      // symlinked spec files are followed, as `build` follows them, so editing the target rebuilds.
      ignored: (path, stats) => {
        const absolute = resolve(this.project.cwd, path);
        // An imported type's module is watched wherever it is (see rebuild()).
        if (this.modules.has(absolute)) return false;
        return this.project.ignores(absolute, stats?.isFile() ?? false) || this.isSymlinkedFolder(absolute);
      },
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

  /** A symbolic link to a folder, below a watched path (a watched path itself may be a link). */
  private isSymlinkedFolder(absolute: string): boolean {
    if (this.project.roots.includes(absolute)) return false;
    try {
      return lstatSync(absolute).isSymbolicLink() && statSync(absolute).isDirectory();
    } catch {
      return false; // gone, or a dangling link: nothing to enter
    }
  }

  private changed(path: string): void {
    const spec = resolve(this.project.cwd, path);
    // A module an imported type names: rebuild the specs that import it (unless it is a spec itself).
    if (!this.closed && this.modules.has(spec) && this.project.ignores(spec, true)) {
      // The `add` chokidar reports for a module that already existed when it was added is no change.
      if (this.announced.delete(spec)) return;
      if (!this.initial) for (const dependent of this.project.dependentsOf(spec)) this.changed(dependent);
      return;
    }
    if (this.closed || this.project.ignores(spec, true)) return;
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
    for (const spec of this.project.specsInside(resolve(this.project.cwd, dir))) this.changed(spec);
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
    const update = await this.project.update(absolute);
    switch (update.kind) {
      case "ignored":
        return;
      case "refused":
        this.fail(update.error);
        return;
      case "built": {
        const { result } = update;
        const added = (result.modules ?? []).filter((module) => !this.modules.has(module));
        for (const module of added) {
          this.modules.add(module);
          if (existsSync(module)) this.announced.add(module);
        }
        // A module not there yet is watched for its creation (chokidar watches its folder for it).
        if (added.length > 0 && !this.closed) this.fsWatcher.add(added);
        const event = { spec: result.spec, output: result.output, initial, status: result.status, diagnostics: result.diagnostics, source: result.source };
        this.emitRebuild({ ...event, ms: elapsed(started) });
        return;
      }
      case "removed": {
        const base = { spec: update.file.display, output: displayPath(update.output, this.project.cwd), initial };
        this.emitRebuild({ ...base, status: "removed", diagnostics: [], existed: update.existed, ms: elapsed(started) });
        // A spec that was refused for the same output now owns it.
        if (update.next !== undefined && !this.closed) this.queue.set(update.next, false);
        return;
      }
    }
  }

  private emitRebuild(event: RebuildEvent): void {
    if (event.diagnostics.length > 0) this.events.emit("diagnostics", event.spec, event.diagnostics);
    this.events.emit("rebuild", event);
  }

  private fail(error: unknown): void {
    if (this.events.listenerCount("error") > 0) this.events.emit("error", error instanceof Error ? error : new Error(String(error)));
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
