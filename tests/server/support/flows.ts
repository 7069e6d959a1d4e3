// The test workflows: the reference server's demo (draft with progress → ask → stop) and trivial
// (start → a → b → stop; `fail: true` in the store fails step c instead).

import { StopEvent, type StartEvent, type WorkflowOptions } from "flowspec/runtime";
import { AskApproval, DemoFlowBase, Drafted, Progress, type Approval, type DemoFlowContext, type GreetStart } from "./demo.js";
import { Boom, Done, Mid, TrivialFlowBase, type TrivialFlowContext } from "./trivial.js";

export class DemoFlow extends DemoFlowBase {
  async draft(ev: GreetStart, ctx: DemoFlowContext<"draft">) {
    for (let i = 0; i < ev.count; i++) ctx.writeEventToStream(new Progress({ i, msg: `drafting part ${i}` }));
    return new Drafted({ draft: `Hello, ${ev.name}!` });
  }
  async review(ev: Drafted, ctx: DemoFlowContext<"review">) {
    await ctx.store.set("draft", ev.draft);
    return new AskApproval({ prompt: `Approve '${ev.draft}'?` });
  }
  async finish(ev: Approval, ctx: DemoFlowContext<"finish">) {
    ctx.writeEventToStream(new Progress({ i: 99, msg: "finishing" }));
    return new StopEvent({ result: { draft: await ctx.store.get("draft"), approved: ev.approved, comment: ev.comment } });
  }
}

export class TrivialFlow extends TrivialFlowBase {
  constructor(options?: WorkflowOptions<Record<string, never>> & { readonly fail?: boolean }) {
    super(options);
    this.fail = options?.fail ?? false;
  }
  private readonly fail: boolean;
  async a(_ev: StartEvent, _ctx: TrivialFlowContext<"a">) {
    return this.fail ? new Boom({ n: 1 }) : new Mid({ n: 1 });
  }
  async b(ev: Mid) {
    return new Done({ total: ev.n + 1 });
  }
  async c(): Promise<StopEvent> {
    throw new Error("kaboom: deliberate failure");
  }
}
