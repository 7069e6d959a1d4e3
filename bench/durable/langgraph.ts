// The peer for bench/durable/bench.ts: LangGraph JS (@langchain/langgraph) with its SQLite
// checkpointer (@langchain/langgraph-checkpoint-sqlite), doing the same work as the flowspec rows.
//
// Every node run is one LangGraph super-step, and LangGraph writes a checkpoint (the whole state:
// every channel value, serialized) plus the step's pending writes after each super-step.
//
//  - pingpong: a StateGraph with two nodes, "ping" and "pong", routing to each other through
//    conditional edges; each node bumps a counter and the loop ends when it reaches n. So n node
//    runs = n super-steps = n checkpoints, the counterpart of n events between two flowspec steps.
//  - state growth: the same two-node loop with a `payload` string of `size` bytes in the state next
//    to the counter; each step increments the counter only.
//
// The saver is `SqliteSaver.fromConnString(file)` on a temp file, a fresh thread_id per run.
// SqliteSaver opens the file in WAL mode and leaves `synchronous` at SQLite's default (FULL: an
// fsync per commit); `synchronous: "normal"` sets it to NORMAL, which is what SqliteJournal uses by
// default, so the two are compared on the same durability footing.

import { randomUUID } from "node:crypto";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";

/** LangGraph's `durability` run option: "sync" waits for each checkpoint before the next step
 *  (like flowspec's commitBeforeSteps: true), "async" (LangGraph's default) writes it while the next
 *  step runs (like commitBeforeSteps: false). */
export type LangGraphDurability = "sync" | "async";

export type LangGraphOptions = {
  durability: LangGraphDurability;
  synchronous: "normal" | "full";
};

const State = Annotation.Root({
  count: Annotation<number>,
  limit: Annotation<number>,
  payload: Annotation<string>,
});
type St = typeof State.State;

function buildGraph() {
  const bump = (s: St): Partial<St> => ({ count: s.count + 1 });
  const next = (to: "ping" | "pong") => (s: St) => (s.count >= s.limit ? END : to);
  return new StateGraph(State)
    .addNode("ping", bump)
    .addNode("pong", bump)
    .addEdge(START, "ping")
    .addConditionalEdges("ping", next("pong"), ["pong", END])
    .addConditionalEdges("pong", next("ping"), ["ping", END]);
}

/** One SQLite file and one compiled graph; `run` starts a new thread each time. */
export class LangGraphLoop {
  readonly saver: SqliteSaver;
  private readonly app;
  constructor(
    readonly file: string,
    private readonly options: LangGraphOptions,
  ) {
    this.saver = SqliteSaver.fromConnString(file);
    if (options.synchronous === "normal") this.saver.db.pragma("synchronous = NORMAL");
    this.app = buildGraph().compile({ checkpointer: this.saver });
  }

  /** Run `steps` super-steps (node runs), the state holding a payload of `size` bytes. */
  async run(steps: number, size = 0): Promise<void> {
    const out = await this.app.invoke(
      { count: 0, limit: steps, payload: "x".repeat(size) },
      { configurable: { thread_id: randomUUID() }, recursionLimit: steps + 10, durability: this.options.durability },
    );
    if (out.count !== steps) throw new Error(`LangGraph loop ended at ${out.count}, expected ${steps}`);
  }

  close(): void {
    this.saver.db.close();
  }
}
