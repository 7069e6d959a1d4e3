// A module for `flowspec serve`: workflow instances as named exports.

import { DemoFlow, TrivialFlow } from "./flows.js";

export const demo = new DemoFlow();
export const trivial = new TrivialFlow();
export const notAWorkflow = { run: 1 };
