// `node --import ./tests/dx/support/register-ts.mjs compiler/cli.ts …` runs the CLI from its TypeScript
// sources, so child-process tests exercise the code under test, not a possibly stale dist/.
import { register } from "node:module";

register("./ts-loader.mjs", import.meta.url);
