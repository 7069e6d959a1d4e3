// Subcommand table. Each command lives in its own module.

import { UsageError, type Command, type CommandIO } from "./types.js";
import { packageVersion } from "./version.js";

const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import("./check.js")).checkCommand,
  build: async () => (await import("./build.js")).buildCommand,
  watch: async () => (await import("./watch.js")).watchCommand,
  graph: async () => (await import("./graph.js")).graphCommand,
  init: async () => (await import("./init.js")).initCommand,
  runs: async () => (await import("./runs.js")).runsCommand,
  diff: async () => (await import("./diff.js")).diffCommand,
  serve: async () => (await import("./serve.js")).serveCommand,
};

export const USAGE = `usage:
  flowspec check [paths...] [--format text|json]
  flowspec build [paths...] [--out DIR] [--runtime-import SPEC] [--client] [--watch | --check]
  flowspec watch [paths...] [--out DIR] [--runtime-import SPEC]
  flowspec graph <spec> [--format mermaid|dot]
  flowspec init [name]
  flowspec diff <old> <new> [--format text|json]      (<old> may be <rev>:<path>)
  flowspec diff [paths...] --against <rev> [--format text|json]
  flowspec runs list|show <runId> [--journal FILE | --pg URL] [--format text|json]
  flowspec serve <module> [--port N] [--host H]
  flowspec --version
`;

export async function runCommand(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.stderr : io.stdout).write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`flowspec: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`flowspec ${name}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
