// `flowspec graph <spec> [--format mermaid|dot]`: print the spec's event graph on stdout.
// A spec with errors prints its diagnostics on stderr and exits 1 (warnings go to stderr, exit 0);
// a missing or unreadable file exits 2.

import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { analyze } from "../analyze.js";
import { hasErrors } from "../diagnostics.js";
import { formatText } from "../format.js";
import { GRAPH_FORMATS, renderDot, renderMermaid } from "../graph/index.js";
import { displayPath } from "../paths.js";
import { parseArgs } from "./args.js";
import type { Command } from "./types.js";

const GRAPH_USAGE = `usage: flowspec graph <spec> [--format mermaid|dot]

Prints the spec's event graph: the start event, every step, the events on the edges, the stop events,
and human-in-the-loop answers as dotted edges. Render DOT with \`dot -Tsvg\`; paste Mermaid into Markdown.
`;

export const graphCommand: Command = async (args, io) => {
  const { flags, positionals } = parseArgs(args, {
    flags: { format: { type: "string", choices: GRAPH_FORMATS, default: "mermaid" }, help: { type: "boolean", short: "h" } },
    positionals: { min: 0, max: 1, name: "spec" },
  });
  if (flags.help) {
    io.stdout.write(GRAPH_USAGE);
    return 0;
  }
  const [spec] = positionals;
  if (spec === undefined) {
    io.stderr.write(`flowspec graph: missing the <spec> argument\n${GRAPH_USAGE}`);
    return 2;
  }

  const absolute = resolve(io.cwd, spec);
  const display = displayPath(absolute, io.cwd);
  let source: string;
  try {
    if ((await stat(absolute)).isDirectory()) {
      io.stderr.write(`flowspec graph: '${spec}' is a folder; name one spec file\n`);
      return 2;
    }
    source = await readFile(absolute, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr.write(`flowspec graph: ${code === "ENOENT" ? `path '${spec}' does not exist` : `cannot read '${spec}': ${code ?? String(error)}`}\n`);
    return 2;
  }

  const { model, diagnostics } = analyze(source, { path: display });
  if (diagnostics.length > 0) {
    const color = io.stderr.isTTY === true && !process.env["NO_COLOR"];
    io.stderr.write(formatText([{ path: display, source, diagnostics }], { color }));
  }
  if (model === undefined || hasErrors(diagnostics)) return 1;

  io.stdout.write(flags.format === "dot" ? renderDot(model) : renderMermaid(model));
  return 0;
};
