import { describe, expect, it } from "vitest";
import { Batcher } from "./batcher.ts";

/** A batch function that records what it was given and answers when the test says so. */
class Gate {
  batches: number[][] = [];
  private releases: (() => void)[] = [];

  readonly run = async (inputs: number[]): Promise<string[]> => {
    this.batches.push(inputs);
    await new Promise<void>((release) => this.releases.push(release));
    if (inputs.includes(13) && inputs.length > 1) throw new Error("a batch with 13 in it");
    if (inputs.length === 1 && inputs[0] === 13) throw new Error("13 on its own");
    return inputs.map((n) => `#${n}`);
  };

  releaseAll(): void {
    const pending = this.releases;
    this.releases = [];
    pending.forEach((release) => release());
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("Batcher", () => {
  it("sends a lone call at once, without waiting for company", async () => {
    const gate = new Gate();
    const batcher = new Batcher(gate.run, { maxBatch: 10, maxInFlight: 1 });
    const one = batcher.call(1);
    await settle();
    expect(gate.batches).toEqual([[1]]);
    gate.releaseAll();
    expect(await one).toBe("#1");
  });

  it("queues calls made while the batches in flight are out, and sends them together next, in order", async () => {
    const gate = new Gate();
    const batcher = new Batcher(gate.run, { maxBatch: 3, maxInFlight: 1 });
    const first = batcher.call(1);
    await settle();
    const rest = [2, 3, 4, 5].map((n) => batcher.call(n));
    await settle();
    expect(gate.batches).toEqual([[1]]);
    gate.releaseAll();
    await settle();
    expect(gate.batches).toEqual([[1], [2, 3, 4]]);
    gate.releaseAll();
    await settle();
    expect(gate.batches).toEqual([[1], [2, 3, 4], [5]]);
    gate.releaseAll();
    expect(await Promise.all([first, ...rest])).toEqual(["#1", "#2", "#3", "#4", "#5"]);
  });

  it("keeps at most maxInFlight batches out at once", async () => {
    const gate = new Gate();
    const batcher = new Batcher(gate.run, { maxBatch: 2, maxInFlight: 2 });
    const calls = [1, 2, 3, 4, 5, 6].map((n) => batcher.call(n));
    await settle();
    expect(gate.batches).toEqual([[1, 2], [3, 4]]);
    gate.releaseAll();
    await settle();
    expect(gate.batches).toEqual([[1, 2], [3, 4], [5, 6]]);
    gate.releaseAll();
    expect(await Promise.all(calls)).toEqual(["#1", "#2", "#3", "#4", "#5", "#6"]);
  });

  it("splits a failed batch into single calls, so only the bad item fails", async () => {
    const gate = new Gate();
    const batcher = new Batcher(gate.run, { maxBatch: 10, maxInFlight: 1 });
    const calls = [12, 13, 14].map((n) => batcher.call(n).catch((error: Error) => error.message));
    await settle();
    gate.releaseAll();
    await settle();
    expect(gate.batches).toEqual([[12, 13, 14], [12], [13], [14]]);
    gate.releaseAll();
    expect(await Promise.all(calls)).toEqual(["#12", "13 on its own", "#14"]);
  });

  it("treats a batch that answers with the wrong number of results as failed, and retries its calls one by one", async () => {
    const batcher = new Batcher((inputs: number[]) => Promise.resolve(inputs.length > 1 ? ["only one"] : [`#${inputs[0]}`]), { maxBatch: 10, maxInFlight: 1 });
    expect(await Promise.all([batcher.call(1), batcher.call(2)])).toEqual(["#1", "#2"]);
  });
});
