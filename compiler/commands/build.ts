// `flowspec build [paths...] [--out DIR] [--runtime-import SPEC] [--watch | --check]`: compile every spec
// into --out (default generated), writing only outputs that changed. `--check` writes nothing and exits 1
// when an output is missing or stale (the CI drift check). `--watch` hands over to `flowspec watch`.
// Exit 0 without errors (warnings allowed), 1 with any error (or drift), 2 on bad usage or an I/O failure.

import { build, DEFAULT_OUT_DIR, type BuildResult } from "../build.js";
import { FileAccessError } from "../files.js";
import { formatDiagnostic } from "../format.js";
import { parseArgs } from "./args.js";
import { UsageError, type Command, type CommandIO } from "./types.js";

const BUILD_USAGE = `usage: flowspec build [paths...] [--out DIR] [--runtime-import SPEC] [--client] [--watch | --check]

Compiles every spec under paths (default specs) into --out (default generated), mirroring folders:
specs/a/joke.yaml becomes generated/a/joke.ts. Outputs whose content is unchanged are not rewritten.
  --runtime-import SPEC  module the generated code imports the runtime from (default flowspec/runtime)
  --client               also write each spec's typed HTTP client (generated/joke.client.ts) for
                         workflows served by flowspec/server; browser-safe
  --check                write nothing; exit 1 when an output is missing or out of date
  --watch                keep running and rebuild specs as they change (same as flowspec watch)
`;

export const buildCommand: Command = async (args, io) => {
  const { flags, positionals } = parseArgs(args, {
    flags: {
      out: { type: "string", short: "o", default: DEFAULT_OUT_DIR },
      "runtime-import": { type: "string" },
      check: { type: "boolean" },
      client: { type: "boolean" },
      watch: { type: "boolean", short: "w" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (flags.help) {
    io.stdout.write(BUILD_USAGE);
    return 0;
  }
  if (flags.watch) {
    if (flags.check) throw new UsageError("options '--watch' and '--check' cannot be combined");
    if (flags.client) throw new UsageError("option '--client' is not supported with '--watch' yet");
    // `build --watch` is `watch`: the watch command takes the same arguments (and ignores --watch).
    const { watchCommand } = await import("./watch.js");
    return watchCommand(args, io);
  }

  let result: BuildResult;
  try {
    result = await build(positionals, { out: flags.out, runtimeImport: flags["runtime-import"], cwd: io.cwd, check: flags.check, client: flags.client });
  } catch (error) {
    const message = error instanceof FileAccessError ? error.message : ioFailure(error);
    if (message === undefined) throw error;
    io.stderr.write(`flowspec build: ${message}\n`);
    return 2;
  }
  if (result.files.length === 0) {
    io.stderr.write(`flowspec build: no *.yaml or *.yml files found in ${positionals.length === 0 ? "'specs'" : positionals.map((p) => `'${p}'`).join(", ")}\n`);
    return 2;
  }
  io.stdout.write(report(result, flags.check, flags.out, io));
  const drift = flags.check && result.files.some((file) => file.status === "missing" || file.status === "stale");
  return result.errors > 0 || drift ? 1 : 0;
};

/** Diagnostics with code frames, a line per output that changed (or drifted), then a summary. */
function report(result: BuildResult, check: boolean, out: string, io: CommandIO): string {
  const color = io.stdout.isTTY === true && !process.env["NO_COLOR"];
  const blocks: string[] = [];
  for (const file of result.files) {
    for (const d of file.diagnostics) blocks.push(formatDiagnostic({ path: file.spec, source: file.source, diagnostics: file.diagnostics }, d, color));
  }
  const lines: string[] = [];
  for (const file of result.files) {
    if (file.status === "written") lines.push(`wrote ${file.output}`);
    if (file.status === "missing") lines.push(`${file.output} is missing (from ${file.spec})`);
    if (file.status === "stale") lines.push(`${file.output} is out of date (from ${file.spec})`);
  }
  const count = (status: string) => result.files.filter((file) => file.status === status).length;
  const specs = plural(result.files.length, "spec");
  const problems = [plural(result.errors, "error"), plural(result.warnings, "warning")].join(", ");
  let summary: string;
  if (check) {
    const drift = count("missing") + count("stale");
    summary =
      drift === 0
        ? `Checked ${specs} against ${out}: up to date; ${problems}.`
        : `Checked ${specs} against ${out}: ${count("stale")} out of date, ${count("missing")} missing; ${problems}. Run 'flowspec build' to update.`;
  } else {
    summary = `Built ${specs} into ${out}: ${count("written")} written, ${count("unchanged")} unchanged, ${count("error")} with errors; ${problems}.`;
  }
  return [...blocks.map((block) => `${block}\n`), ...lines, summary].join("\n") + "\n";
}

/** A write or read failure's message (exit 2), or undefined for anything else (a bug: rethrown). */
function ioFailure(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string" || !(error instanceof Error)) return undefined;
  return error.message;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
