// `flowspec diff <old> <new> [--format text|json]` and `flowspec diff [paths...] --against <rev>`:
// every change between two versions of a spec, classified as compatible or breaking for runs in
// flight. The CI gate of a pull request: exit 1 when a change is breaking, 0 when every change is
// compatible, 2 on bad usage, an unreadable version, or a spec with errors.
//
// An old version may come from git: `HEAD~1:specs/joke.yaml` (any `<rev>:<path>` that is not a file),
// or `--against <rev>` to compare each spec with its version at <rev> (a spec new since then has
// nothing to break).

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { promisify } from "node:util";
import { analyze } from "../analyze.js";
import { hasErrors } from "../diagnostics.js";
import { diffModels } from "../diff.js";
import { FileAccessError, findSpecFiles } from "../files.js";
import { formatText } from "../format.js";
import type { SpecModel } from "../model.js";
import { toSlashes } from "../paths.js";
import { printable, printableJson } from "../text.js";
import type { ShapeChange } from "../../runtime/durable/index.js";
import { parseArgs } from "./args.js";
import type { Command, CommandIO } from "./types.js";

const DIFF_USAGE = `usage: flowspec diff <old> <new> [--format text|json]
       flowspec diff [paths...] --against <rev> [--format text|json]

Classifies every change between two versions of a spec as compatible (runs in flight resume on the
new version) or breaking (some run in flight could not). <old> may be <rev>:<path> from git.
Exit 1 when a change is breaking.
`;

const run = promisify(execFile);

/** A version that could not be read or analyzed: the message, and the exit status 2. */
class VersionError extends Error {}

interface Comparison {
  readonly old: string;
  readonly new: string;
  readonly workflow: string;
  readonly changes: readonly ShapeChange[];
}

export const diffCommand: Command = async (args, io) => {
  const { flags, positionals } = parseArgs(args, {
    flags: {
      format: { type: "string", choices: ["text", "json"], default: "text" },
      against: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (flags.help) {
    io.stdout.write(DIFF_USAGE);
    return 0;
  }
  let comparisons: Comparison[];
  try {
    if (flags.against !== undefined) comparisons = await againstRevision(positionals, String(flags.against), io);
    else if (positionals.length === 2) comparisons = [await compare(positionals[0]!, positionals[1]!, io)];
    else {
      io.stderr.write(`flowspec diff: name two versions of a spec, or use --against <rev>\n${DIFF_USAGE}`);
      return 2;
    }
  } catch (error) {
    if (!(error instanceof VersionError || error instanceof FileAccessError)) throw error;
    io.stderr.write(error instanceof FileAccessError ? `flowspec diff: ${error.message}\n` : error.message);
    return 2;
  }
  const breaking = comparisons.reduce((n, c) => n + c.changes.filter((change) => change.breaking).length, 0);
  io.stdout.write(flags.format === "json" ? `${printableJson({ breaking, specs: comparisons })}\n` : formatComparisons(comparisons, breaking));
  return breaking > 0 ? 1 : 0;
};

function formatComparisons(comparisons: readonly Comparison[], breaking: number): string {
  let out = "";
  for (const c of comparisons) {
    const count = c.changes.filter((change) => change.breaking).length;
    out += `${printable(c.new)} (${printable(c.workflow)}) against ${printable(c.old)}: ${c.changes.length === 0 ? "no changes" : `${plural(c.changes.length, "change")}, ${count} breaking`}\n`;
    for (const change of c.changes) out += `  ${change.breaking ? "breaking  " : "compatible"}  ${printable(change.message)}\n`;
  }
  out += breaking > 0 ? `${plural(breaking, "breaking change")}: runs in flight that touch them cannot resume on the new version (flowspec runs check tells which).\n` : "No breaking changes: runs in flight resume on the new version.\n";
  return out;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

async function compare(oldArg: string, newArg: string, io: CommandIO): Promise<Comparison> {
  const [was, now] = await Promise.all([load(oldArg, io), load(newArg, io)]);
  return { old: was.label, new: now.label, workflow: now.model.workflow, changes: diffModels(was.model, now.model) };
}

async function againstRevision(paths: readonly string[], rev: string, io: CommandIO): Promise<Comparison[]> {
  const files = await findSpecFiles(paths, io.cwd);
  if (files.length === 0) throw new VersionError(`flowspec diff: no *.yaml or *.yml files found\n`);
  const out: Comparison[] = [];
  for (const file of files) {
    const now = await load(file.display, io);
    const gitPath = `${rev}:./${toSlashes(relative(io.cwd, file.path))}`;
    const source = await gitShow(gitPath, io, true);
    if (source === null) {
      out.push({ old: gitPath, new: now.label, workflow: now.model.workflow, changes: [{ breaking: false, message: `the spec is new since ${rev}` }] });
      continue;
    }
    const was = analyzed(source, gitPath);
    out.push({ old: gitPath, new: now.label, workflow: now.model.workflow, changes: diffModels(was.model, now.model) });
  }
  return out;
}

/** A version: a file, or `<rev>:<path>` read from git. */
async function load(arg: string, io: CommandIO): Promise<{ label: string; model: SpecModel }> {
  const absolute = resolve(io.cwd, arg);
  if (existsSync(absolute)) {
    const source = await readFile(absolute, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new VersionError(`flowspec diff: cannot read '${arg}': ${error.code ?? String(error)}\n`);
    });
    return analyzed(source, arg);
  }
  if (/^[^:]+:.+$/.test(arg)) return analyzed((await gitShow(arg, io, false))!, arg);
  throw new VersionError(`flowspec diff: path '${arg}' does not exist (an old version from git is written <rev>:<path>)\n`);
}

function analyzed(source: string, label: string): { label: string; model: SpecModel } {
  const { model, diagnostics } = analyze(source, { path: label });
  if (model === undefined || hasErrors(diagnostics)) {
    throw new VersionError(`${formatText([{ path: label, source, diagnostics }], { color: false })}flowspec diff: '${label}' has errors; fix them to compare it\n`);
  }
  return { label, model };
}

/** `git show <rev>:<path>`; null when `missingIsNull` and the path does not exist at that revision. */
async function gitShow(spec: string, io: CommandIO, missingIsNull: boolean): Promise<string | null> {
  try {
    return (await run("git", ["show", spec], { cwd: io.cwd, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? error).trim();
    if (missingIsNull && /does not exist in|exists on disk, but not in/.test(stderr)) return null;
    throw new VersionError(`flowspec diff: cannot read '${spec}' from git: ${stderr.split("\n")[0]}\n`);
  }
}
