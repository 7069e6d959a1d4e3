// `flowspec init [name]`: write a starter spec, `specs/<name>.yaml` (default `my-flow`), that checks clean
// and points editors at the published JSON Schema. Never overwrites: an existing file exits 2.

import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { DEFAULT_SPEC_DIR } from "../files.js";
import { parseArgs } from "./args.js";
import { UsageError, type Command } from "./types.js";

export const DEFAULT_INIT_NAME = "my-flow";
export const SCHEMA_FILE = "schema/flowspec.schema.json";

const INIT_USAGE = `usage: flowspec init [name]

Writes ${DEFAULT_SPEC_DIR}/<name>.yaml (default ${DEFAULT_INIT_NAME}), a starter workflow spec headed with a
yaml-language-server line, so editors with the YAML extension offer completion and docs.
`;

export const initCommand: Command = async (args, io) => {
  const { flags, positionals } = parseArgs(args, { flags: { help: { type: "boolean", short: "h" } }, positionals: { max: 1, name: "name" } });
  if (flags.help) {
    io.stdout.write(INIT_USAGE);
    return 0;
  }
  const name = checkName(positionals[0] ?? DEFAULT_INIT_NAME);
  const shown = `${DEFAULT_SPEC_DIR}/${name}.yaml`;
  const file = resolve(io.cwd, DEFAULT_SPEC_DIR, `${name}.yaml`);
  const workflow = workflowNameFor(name);
  const text = starterSpec({ workflow, schemaPath: schemaPathFor(file, io.cwd) });

  try {
    await mkdir(dirname(file), { recursive: true });
    // `wx` fails if the file exists, even if it appeared after any check we could make first.
    await writeFile(file, text, { encoding: "utf8", flag: "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "EEXIST" ? `${shown} already exists; not overwriting it (pick another name: flowspec init <name>)` : `cannot write ${shown}: ${code ?? String(error)}`;
    io.stderr.write(`flowspec init: ${reason}\n`);
    return 2;
  }
  io.stdout.write(
    [
      `created ${shown} (workflow ${workflow})`,
      "next:",
      `  flowspec graph ${shown}   # draw it`,
      `  flowspec watch${" ".repeat(shown.length + 4)}# compile ${DEFAULT_SPEC_DIR}/ into generated/ on every save`,
      "",
    ].join("\n"),
  );
  return 0;
};

/** A file name without folders: letters, digits, `-` and `_`, starting with a letter; `.yaml` is optional. */
function checkName(written: string): string {
  const name = written.replace(/\.ya?ml$/i, "");
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
    throw new UsageError(`'${written}' is not a usable name: use letters, digits, '-' and '_', starting with a letter (e.g. ${DEFAULT_INIT_NAME})`);
  }
  return name;
}

/** `my-flow` → `MyFlow`, `joke` → `JokeFlow`, `order_intake` → `OrderIntakeFlow`. */
export function workflowNameFor(name: string): string {
  const pascal = name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== "")
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
  return pascal.endsWith("Flow") ? pascal : `${pascal}Flow`;
}

/**
 * The schema's path as the new spec's `$schema=` line gives it: relative to the spec's folder, `/`-separated.
 * It is the repository's own `schema/` when flowspec itself is checked out in cwd; else the installed
 * package's copy, as Node resolves `flowspec/schema/flowspec.schema.json` from cwd (hoisted and workspace
 * installs included); else where `npm install flowspec` will put it.
 */
export function schemaPathFor(specFile: string, cwd: string): string {
  const path = relative(dirname(specFile), locateSchema(cwd));
  return sep === "/" ? path : path.split(sep).join("/");
}

function locateSchema(cwd: string): string {
  const local = join(cwd, SCHEMA_FILE);
  if (existsSync(local)) return local;
  try {
    return createRequire(join(cwd, "package.json")).resolve(`flowspec/${SCHEMA_FILE}`);
  } catch {
    return join(cwd, "node_modules", "flowspec", SCHEMA_FILE);
  }
}

/**
 * Output the starter spec: a two-step workflow with a start, an intermediate and a stop event.
 * @example starterSpec({ workflow: "MyFlow", schemaPath: "../schema/flowspec.schema.json" })
 */
export function starterSpec({ workflow, schemaPath }: { workflow: string; schemaPath: string }): string {
  return `# yaml-language-server: $schema=${schemaPath}
# A starter workflow. Rename things, add events and steps, then compile it with \`flowspec build\`
# (or keep \`flowspec watch\` running) and draw it with \`flowspec graph\`.
flowspec: 1
workflow: ${workflow}
description: Drafts an answer to a question, then polishes it.
timeout: 60

# state:                            # typed state: ctx.store.getState() / editState()
#   drafts: { type: integer, default: 0 }

events:
  QuestionAsked:
    kind: start                     # run({ question: "…" }) starts here
    description: The question to answer.
    fields:
      question: { type: string, minLength: 1 }
  DraftWritten:
    description: A first answer, passed from one step to the next.
    fields:
      draft: string
  AnswerReady:
    kind: stop                      # the run resolves to this event
    description: The final answer.
    fields:
      answer: string

# resources:                        # injected into steps, e.g. a model client
#   llm: { type: Llm, module: ./support/llm.js, factory: createLlm }

steps:
  write_draft:
    accepts: QuestionAsked
    emits: DraftWritten
    description: Writes a first answer to the question.
  polish_draft:
    accepts: DraftWritten
    emits: AnswerReady
    description: Turns the draft into the final answer.
`;
}
