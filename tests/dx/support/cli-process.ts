// Runs the flowspec CLI as a child process from its TypeScript sources (see register-ts.mjs), collects its
// output line by line, and waits for lines that match.

import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const REGISTER = fileURLToPath(new URL("./register-ts.mjs", import.meta.url));
const CLI = fileURLToPath(new URL("../../../compiler/cli.ts", import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  /** Everything printed on stdout so far, split into lines. */
  lines: string[];
  stderr: () => string;
  /** Resolves with the first line at index >= `from` that matches; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<{ line: string; index: number }>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

export function startCli(args: readonly string[], cwd: string): CliProcess {
  const child = spawn(process.execPath, ["--import", REGISTER, CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let partial = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)));

  const waitFor = (pattern: RegExp, from = 0, timeoutMs = 15_000) =>
    new Promise<{ line: string; index: number }>((resolve, reject) => {
      const check = () => {
        const index = lines.findIndex((line, i) => i >= from && pattern.test(line));
        if (index < 0) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve({ line: lines[index]!, index });
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${pattern} after line ${from}; stdout:\n${lines.join("\n")}\nstderr:\n${stderr}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  return { child, lines, stderr: () => stderr, waitFor, exited };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
