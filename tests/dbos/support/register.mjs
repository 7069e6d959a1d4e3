// `node --import ./tests/dbos/support/register.mjs child.ts`: TypeScript sources (tests/dx/support's
// loader) plus the `flowspec/*` aliases. The alias hook is registered last, so it resolves first.
import { register } from "node:module";

register("../../dx/support/ts-loader.mjs", import.meta.url);
register("./alias-loader.mjs", import.meta.url);
