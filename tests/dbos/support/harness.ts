// Real processes over real Postgres: a throwaway database per test run, child processes running the
// TypeScript sources (register.mjs), IPC messages from them.

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const REGISTER = fileURLToPath(new URL("./register.mjs", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
export const BASE_URL = process.env.FLOWSPEC_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  on(event: "error", listener: (error: Error) => void): unknown;
  end(): Promise<void>;
}
const requireFromSdk = createRequire(createRequire(import.meta.url).resolve("@dbos-inc/dbos-sdk"));
const pg = requireFromSdk("pg") as { Client: new (o: object) => PgClient };

export async function sql<T = any>(url: string, text: string, values?: unknown[]): Promise<T[]> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  c.on("error", () => undefined);
  await c.connect();
  try {
    return (await c.query(text, values)).rows as T[];
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Why Postgres tests cannot run here, or null when they can. */
export async function postgresProblem(): Promise<string | null> {
  // The outage test may have stopped Postgres on purpose: wait for it to give Postgres back.
  for (let i = 0; i < 3000 && holders("x").length > 0; i++) await new Promise((r) => setTimeout(r, 200));
  try {
    await sql(BASE_URL, "SELECT 1");
    return null;
  } catch (error) {
    return `no Postgres at ${BASE_URL.replace(/:[^:@/]*@/, ":***@")} (${(error as Error).message}); set FLOWSPEC_PG_URL`;
  }
}

export async function createDatabase(prefix = "flowspec_test"): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await sql(BASE_URL, `CREATE DATABASE ${name}`);
  const u = new URL(BASE_URL);
  u.pathname = `/${name}`;
  return { name, url: u.toString() };
}

export async function dropDatabase(name: string): Promise<void> {
  await sql(BASE_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export interface Child {
  readonly child: ChildProcess;
  readonly messages: any[];
  stderr(): string;
  waitFor(pred: (m: any) => boolean, timeoutMs?: number): Promise<any>;
  readonly exited: Promise<number | string>;
  send(m: object): void;
}

export function startChild(script: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, ["--no-deprecation", "--import", REGISTER, `${FIXTURES}${script}`], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const messages: any[] = [];
  const waiters = new Set<() => void>();
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  child.on("message", (m) => {
    messages.push(m);
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => {
      resolve(code ?? signal ?? -1);
      for (const w of [...waiters]) w();
    }),
  );
  let dead = false;
  void exited.then(() => (dead = true));
  const waitFor = (pred: (m: any) => boolean, timeoutMs = 30_000) =>
    new Promise<any>((resolve, reject) => {
      const check = () => {
        const found = messages.find(pred);
        if (found !== undefined || dead) {
          waiters.delete(check);
          clearTimeout(timer);
          if (found !== undefined) resolve(found);
          else reject(new Error(`${script} exited before the expected message; messages: ${JSON.stringify(messages).slice(0, 2000)}\nstderr:\n${stderr.slice(-3000)}`));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting in ${script}; messages: ${JSON.stringify(messages).slice(-2000)}\nstderr:\n${stderr.slice(-3000)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { child, messages, stderr: () => stderr, waitFor, exited, send: (m) => child.send(m) };
}

export async function stopChild(c: Child): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  c.send({ type: "stop" });
  const t = setTimeout(() => c.child.kill("SIGKILL"), 5000);
  await c.exited;
  clearTimeout(t);
}

// ---- Postgres as a shared resource: the outage test stops it, so it takes it exclusively.
// A readers-writer lock across processes (vitest forks, and other test runs on this machine): one
// file per holder in a shared folder, named `s-` (shared) or `x-` (exclusive) plus the holder's pid;
// a holder whose process is gone no longer counts. A waiting exclusive holder blocks new shared ones.

const LOCKS = join(tmpdir(), "flowspec-dbos-postgres-locks");
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};
const holders = (kind: "s" | "x", except?: string) =>
  (existsSync(LOCKS) ? readdirSync(LOCKS) : []).filter((f) => f.startsWith(`${kind}-`) && f !== except && alive(Number(f.split("-")[1])));

/**
 * Holds Postgres until the returned function is called: `shared` for tests that use it, `exclusive`
 * for a test that stops it (it waits until no shared holder is left). Waits at most `timeoutMs`.
 */
export async function holdPostgres(kind: "shared" | "exclusive", timeoutMs = 600_000): Promise<() => void> {
  mkdirSync(LOCKS, { recursive: true });
  const end = Date.now() + timeoutMs;
  const wait = async () => {
    if (Date.now() > end) throw new Error(`holdPostgres(${kind}): gave up after ${timeoutMs} ms (holders: ${readdirSync(LOCKS).join(", ")})`);
    await new Promise((r) => setTimeout(r, 200));
  };
  const name = `${kind === "shared" ? "s" : "x"}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const file = join(LOCKS, name);
  const release = () => rmSync(file, { force: true });
  if (kind === "exclusive") {
    writeFileSync(file, "");
    process.once("exit", release);
    try {
      while (holders("s").length > 0 || holders("x", name).some((other) => other < name)) await wait();
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }
  for (;;) {
    while (holders("x").length > 0) await wait();
    writeFileSync(file, "");
    if (holders("x").length === 0) {
      process.once("exit", release);
      return release;
    }
    release();
    await wait();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it holds. No deadline of its own: a wall-clock cap would let a busy machine
 * go on with the condition unmet; the test's timeout is what bounds a wait that never ends.
 */
export async function pollUntil(check: () => boolean | Promise<boolean>, everyMs = 20): Promise<void> {
  while (!(await check())) await sleep(everyMs);
}

/** A line of a fixture's side-effect file: `${runId} ${what} ${who} ${at}` (`at`: ms, when written). */
export interface SideEffect {
  readonly runId: string;
  readonly what: string;
  readonly who: string;
  readonly at: number;
}

/** The side-effect file's lines; none before the first is written. */
export function readSideEffects(file: string): SideEffect[] {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [runId, what, who, at] = line.split(" ");
      return { runId: runId!, what: what!, who: who!, at: Number(at) };
    });
}
