import assert from "node:assert/strict";
import { within } from "../../helpers/within.js";
import { WriteBatcher } from "../../../src/core/write-batcher.js";


/** Lets pending immediates and promise continuations run; bounded, it cannot hang. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Records each batch it is asked to write; `gate` holds writes open until the test opens it. */
class FakeWriter {
  readonly batches: number[][] = [];
  failWhen: (batch: readonly number[]) => boolean = () => false;
  private gates: (() => void)[] = [];
  holding = false;

  readonly write = async (batch: readonly number[]): Promise<void> => {
    this.batches.push([...batch]);
    if (this.holding) await new Promise<void>((resolve) => this.gates.push(resolve));
    if (this.failWhen(batch)) throw new Error(`disk full at ${batch.join(",")}`);
  };

  release(): void {
    this.holding = false;
    for (const open of this.gates.splice(0)) open();
  }
}

type Settled = "resolved" | "rejected";

function track(promise: Promise<void>): { state: () => Settled | "pending" } {
  let state: Settled | "pending" = "pending";
  promise.then(
    () => (state = "resolved"),
    () => (state = "rejected"),
  );
  return { state: () => state };
}

describe("WriteBatcher", () => {
  it("writes the offers of one turn of the event loop as one batch", async () => {
    const writer = new FakeWriter();
    const batcher = new WriteBatcher<number>(writer.write);
    await within(Promise.all([batcher.offer(1), batcher.offer(2), batcher.offer(3)]), "three offers");
    assert.deepEqual(writer.batches, [[1, 2, 3]]);
  });

  it("writes offers of separate turns as separate batches", async () => {
    const writer = new FakeWriter();
    const batcher = new WriteBatcher<number>(writer.write);
    const first = batcher.offer(1);
    await settle();
    const second = batcher.offer(2);
    await within(Promise.all([first, second]), "both offers");
    assert.deepEqual(writer.batches, [[1], [2]]);
  });

  it("resolves an offer only once its batch is written", async () => {
    const writer = new FakeWriter();
    writer.holding = true;
    const batcher = new WriteBatcher<number>(writer.write);
    const offer = track(batcher.offer(1));
    await settle();
    assert.equal(writer.batches.length, 1);
    assert.equal(offer.state(), "pending");
    writer.release();
    await settle();
    assert.equal(offer.state(), "resolved");
  });

  it("splits the offers of one turn into batches of at most maxBatch, in order", async () => {
    const writer = new FakeWriter();
    const batcher = new WriteBatcher<number>(writer.write, 3);
    const offers = Array.from({ length: 8 }, (_, n) => batcher.offer(n));
    await within(Promise.all(offers), "eight offers");
    assert.deepEqual(writer.batches, [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7],
    ]);
  });

  it("rejects every offer of a failed batch with the write's error, and only those", async () => {
    const writer = new FakeWriter();
    writer.failWhen = (batch) => batch.includes(4);
    const batcher = new WriteBatcher<number>(writer.write, 3);
    const offers = Array.from({ length: 8 }, (_, n) => batcher.offer(n));
    const results = await within(Promise.allSettled(offers), "eight offers");
    assert.deepEqual(
      results.map((result) => result.status),
      ["fulfilled", "fulfilled", "fulfilled", "rejected", "rejected", "rejected", "fulfilled", "fulfilled"],
    );
    const failure = results[3];
    assert.ok(failure?.status === "rejected");
    assert.match(String((failure.reason as Error).message), /disk full at 3,4,5/);
  });

  it("keeps writing later batches after a failed one", async () => {
    const writer = new FakeWriter();
    writer.failWhen = () => true;
    const batcher = new WriteBatcher<number>(writer.write);
    await assert.rejects(within(batcher.offer(1), "the failing offer"), /disk full/);
    writer.failWhen = () => false;
    await within(batcher.offer(2), "the next offer");
    assert.deepEqual(writer.batches, [[1], [2]]);
  });

  it("writes one batch at a time, in the order the batches were made", async () => {
    const writer = new FakeWriter();
    writer.holding = true;
    const batcher = new WriteBatcher<number>(writer.write, 2);
    const offers = [batcher.offer(1), batcher.offer(2), batcher.offer(3)];
    await settle();
    assert.deepEqual(writer.batches, [[1, 2]], "a second write started while the first was in flight");
    writer.release();
    await settle();
    writer.release();
    await within(Promise.all(offers), "three offers");
    assert.deepEqual(writer.batches, [[1, 2], [3]]);
  });

  it("waits in drain() for writes in flight and writes what is still unbatched", async () => {
    const writer = new FakeWriter();
    writer.holding = true;
    const batcher = new WriteBatcher<number>(writer.write);
    const first = track(batcher.offer(1));
    await settle();
    const second = track(batcher.offer(2));
    const drained = track(batcher.drain());
    await settle();
    assert.equal(drained.state(), "pending", "drain() resolved while a write was in flight");
    assert.equal(first.state(), "pending");
    writer.release();
    await settle();
    writer.release();
    await settle();
    assert.deepEqual([first.state(), second.state(), drained.state()], ["resolved", "resolved", "resolved"]);
    assert.deepEqual(writer.batches, [[1], [2]]);
  });

  it("resolves drain() even when the write in flight fails", async () => {
    const writer = new FakeWriter();
    writer.failWhen = () => true;
    const batcher = new WriteBatcher<number>(writer.write);
    const offer = batcher.offer(1).catch((error: unknown) => error);
    await within(batcher.drain(), "the drain");
    assert.ok((await offer) instanceof Error);
  });

  it("resolves drain() at once when nothing was offered", async () => {
    const writer = new FakeWriter();
    const batcher = new WriteBatcher<number>(writer.write);
    await within(batcher.drain(), "the drain");
    assert.deepEqual(writer.batches, []);
  });
});
