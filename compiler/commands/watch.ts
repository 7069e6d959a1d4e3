// `flowspec watch [paths...] [--out DIR] [--runtime-import SPEC]` (also `build --watch`): build every spec,
// then rebuild each one as it changes, one line per rebuild, until SIGINT or SIGTERM (exit 0).
//
//   ✓ specs/joke.yaml → generated/joke.ts (12 ms)
//   ✗ specs/joke.yaml: 2 errors (8 ms)          followed by the diagnostics
//   - specs/old.yaml removed generated/old.ts

import { DEFAULT_OUT_DIR } from "../build.js";
import { FileAccessError } from "../files.js";
import { formatDiagnostic } from "../format.js";
import { Project } from "../project.js";
import { watch, type RebuildEvent } from "../watch.js";
import { parseArgs } from "./args.js";
import type { Command } from "./types.js";

const WATCH_USAGE = `usage: flowspec watch [paths...] [--out DIR] [--runtime-import SPEC]

Builds every spec under paths (default specs) into --out (default generated), then rebuilds a spec each
time it is saved, removes the output of a deleted spec, and keeps the last good output of a broken one.
Stop with Ctrl+C.
`;

export const watchCommand: Command = async (args, io) => {
  const { flags, positionals } = parseArgs(args, {
    flags: {
      out: { type: "string", short: "o", default: DEFAULT_OUT_DIR },
      "runtime-import": { type: "string" },
      // `build --watch` hands its arguments over as they are.
      watch: { type: "boolean", short: "w" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (flags.help) {
    io.stdout.write(WATCH_USAGE);
    return 0;
  }
  try {
    // Fail fast, as build does, on a mistyped path (instead of waiting for it to appear) and on two
    // specs that would write one output.
    await Project.open(positionals, { out: flags.out, cwd: io.cwd });
  } catch (error) {
    if (!(error instanceof FileAccessError)) throw error;
    io.stderr.write(`flowspec watch: ${error.message}\n`);
    return 2;
  }

  const watcher = watch(positionals, { out: flags.out, runtimeImport: flags["runtime-import"], cwd: io.cwd });
  const color = io.stdout.isTTY === true && !process.env["NO_COLOR"];
  watcher.on("rebuild", (event) => io.stdout.write(report(event, color)));
  watcher.on("error", (error) => io.stderr.write(`flowspec watch: ${error.message}\n`));
  watcher.on("ready", ({ specs, errors, ms }) => {
    const problems = errors === 0 ? "" : ` (${errors} with errors)`;
    io.stdout.write(`watching ${plural(specs, "spec")}${problems} → ${flags.out} (${ms} ms); Ctrl+C to stop\n`);
  });

  return new Promise<number>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      watcher.close().then(
        () => done(0),
        (error: unknown) => {
          io.stderr.write(`flowspec watch: ${error instanceof Error ? error.message : String(error)}\n`);
          done(2);
        },
      );
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
};

/** One line per rebuild; errors are followed by their diagnostics, with code frames. */
function report(event: RebuildEvent, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const errors = event.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = event.diagnostics.length - errors;
  const time = `${event.ms} ms`;
  let line: string;
  switch (event.status) {
    case "written":
    case "unchanged": {
      const notes = [event.status === "unchanged" ? "unchanged" : undefined, warnings > 0 ? plural(warnings, "warning") : undefined, time];
      line = `${paint("32", "✓")} ${event.spec} → ${event.output} (${notes.filter(Boolean).join(", ")})`;
      break;
    }
    case "error":
      line = `${paint("31", "✗")} ${event.spec}: ${plural(errors, "error")}${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""} (${time})`;
      break;
    case "removed":
      line = event.existed ? `- ${event.spec} removed ${event.output}` : `- ${event.spec} deleted`;
      break;
  }
  if (event.diagnostics.length === 0) return `${line}\n`;
  const details = event.diagnostics.map((d) => formatDiagnostic({ path: event.spec, source: event.source, diagnostics: event.diagnostics }, d, color));
  return `${line}\n${details.map((text) => indent(text)).join("\n\n")}\n`;
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, "  ");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
