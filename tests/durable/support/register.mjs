// `node --import ./tests/durable/support/register.mjs child.ts`: TypeScript sources + flowspec/* aliases.
import { register } from "node:module";

register("../../dx/support/ts-loader.mjs", import.meta.url);
register("./alias-loader.mjs", import.meta.url);
