// Runs a CLI command in-process with captured output, for the CLI tests of every area.

import { runCommand } from "../../compiler/commands/index.js";

export interface CommandOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** `flowspec <args>` in `cwd`; `tty` makes stdout claim to be a terminal (for colour tests). */
export async function run(args: readonly string[], cwd: string, options: { tty?: boolean } = {}): Promise<CommandOutput> {
  let stdout = "";
  let stderr = "";
  const code = await runCommand([...args], {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    cwd,
  });
  return { code, stdout, stderr };
}
