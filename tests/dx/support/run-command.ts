// Runs a CLI command in-process with captured output.

import { runCommand } from "../../../compiler/commands/index.js";

export interface CommandOutput {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(args: readonly string[], cwd: string): Promise<CommandOutput> {
  let stdout = "";
  let stderr = "";
  const code = await runCommand([...args], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
  });
  return { code, stdout, stderr };
}
