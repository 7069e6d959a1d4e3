// A module for `flowspec serve`: workflow instances as named exports.

import { DemoFlow, TrivialFlow } from "./flows.js";

export const demo = new DemoFlow();
export const trivial = new TrivialFlow();
export const notAWorkflow = { run: 1 };
/** A run of it waits for a human with a timeout timer pending. */
export const waiting = new DemoFlow({ timeout: 120 });
