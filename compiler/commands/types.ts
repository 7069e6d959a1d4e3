// What every CLI command receives: streams and a working directory, so tests can run commands in-process.

export interface CommandIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  cwd: string;
}

/** A command takes its arguments (after the subcommand name) and resolves to an exit status. */
export type Command = (args: string[], io: CommandIO) => Promise<number>;

/** Thrown for bad usage; the dispatcher prints it and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
