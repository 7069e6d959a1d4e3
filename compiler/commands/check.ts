// `flowspec check [paths...] [--format text|json]`: analyze every spec, print the diagnostics, write nothing.
// Exit 0 without errors (warnings allowed), 1 with any error, 2 on bad usage or an unreadable path.

import { readFile } from "node:fs/promises";
import { analyze } from "../analyze.js";
import { readModuleFromDisk } from "../module-reader.js";
import { DEFAULT_SPEC_DIR, FileAccessError, findSpecFiles, type SpecFile } from "../files.js";
import { formatJson, formatText, countDiagnostics, type FileReport } from "../format.js";
import { parseArgs } from "./args.js";
import type { Command, CommandIO } from "./types.js";

const CHECK_USAGE = "usage: flowspec check [paths...] [--format text|json]\n";

export const checkCommand: Command = async (args, io) => {
  const { flags, positionals } = parseArgs(args, {
    flags: { format: { type: "string", choices: ["text", "json"], default: "text" }, help: { type: "boolean", short: "h" } },
  });
  if (flags.help) {
    io.stdout.write(CHECK_USAGE);
    return 0;
  }

  let reports: FileReport[];
  try {
    reports = await checkFiles(await findSpecFiles(positionals, io.cwd), io.cwd);
  } catch (error) {
    if (!(error instanceof FileAccessError)) throw error;
    io.stderr.write(`flowspec check: ${error.message}\n`);
    return 2;
  }
  if (reports.length === 0) {
    // Passing on zero specs would hide a wrong path in CI.
    io.stderr.write(`flowspec check: no *.yaml or *.yml files found in ${describeArgs(positionals)}\n`);
    return 2;
  }

  io.stdout.write(flags.format === "json" ? formatJson(reports) : formatText(reports, { color: useColor(io) }));
  return countDiagnostics(reports).errors > 0 ? 1 : 0;
};

async function checkFiles(files: readonly SpecFile[], cwd: string): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  // Imported types' modules, resolved like the specs' display paths: against cwd.
  const readModule = readModuleFromDisk(cwd);
  for (const file of files) {
    const source = await readFile(file.path, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new FileAccessError(`cannot read '${file.display}': ${error.code ?? error.message}`, file.display);
    });
    reports.push({ path: file.display, source, diagnostics: analyze(source, { path: file.display, readModule }).diagnostics });
  }
  return reports;
}

function describeArgs(positionals: readonly string[]): string {
  return positionals.length === 0 ? `'${DEFAULT_SPEC_DIR}'` : positionals.map((p) => `'${p}'`).join(", ");
}

/** Colors only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
function useColor(io: CommandIO): boolean {
  return io.stdout.isTTY === true && !process.env["NO_COLOR"];
}
