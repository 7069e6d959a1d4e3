// The reference's human-in-the-loop workflow (specs/human-in-the-loop.yaml, generated class) with
// its two steps: ask for a number, stop with "got <answer>". Shared by the HITL, ownership and
// deadline tests and their child processes.

import { InputRequiredEvent, StopEvent, type HumanResponseEvent } from "flowspec/runtime";
import { HumanInTheLoopFlowBase } from "../../generated/human-in-the-loop.js";

export class HumanInTheLoopFlow extends HumanInTheLoopFlowBase {
  async step1() {
    return new InputRequiredEvent({ prefix: "Enter a number: " });
  }
  async step2(ev: HumanResponseEvent) {
    return new StopEvent({ result: `got ${ev.response}` });
  }
}
