#!/usr/bin/env node
// The `flowspec` binary: parses the subcommand and hands off to compiler/commands/<name>.ts.
// Exit status: 0 no errors, 1 at least one error (or drift for build --check), 2 bad usage or I/O failure.

import { runCommand } from "./commands/index.js";

runCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`flowspec: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
