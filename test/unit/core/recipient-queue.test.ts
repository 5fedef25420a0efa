import assert from "node:assert/strict";
import { within } from "../../helpers/within.js";
import { makeAddress } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { RecipientQueue, type AttemptOutcome, type QueueIo } from "../../../src/core/recipient-queue.js";

const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");

function message(id: string): Message {
  return {
    id,
    origin: { protocol: "native", account: "default" },
    hops: [],
    scope: "direct",
    kind: "text",
    from: alice,
    to: bob,
    senderName: "alice",
    body: `body of ${id}`,
    timestamp: 0,
  };
}

/** Ids that sort like gateway ids: m0001 < m0002 < ... */
function id(n: number): string {
  return `m${String(n).padStart(4, "0")}`;
}

/** Lets every queued promise continuation and immediate run; bounded, it cannot hang. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}


/**
 * A fake of the outbox side of a queue: `store` holds what waits (the outbox rows), an attempt that ends
 * "done" removes its message from the store as Outbox.attempt does, and `outcome` decides each attempt.
 */
class FakeIo implements QueueIo {
  readonly store: Message[] = [];
  readonly attempts: string[] = [];
  readonly loads: number[] = [];
  outcome: (message: Message) => AttemptOutcome | Promise<AttemptOutcome> = () => "done";

  async attempt(message: Message): Promise<AttemptOutcome> {
    this.attempts.push(message.id);
    const result = await this.outcome(message);
    if (result === "done") this.remove(message.id);
    return result;
  }

  async loadPending(limit: number): Promise<Message[]> {
    this.loads.push(limit);
    return this.store.slice(0, limit);
  }

  /** What acceptance does: write the message to the store, then offer it to the queue. */
  accept(queue: RecipientQueue, message: Message): void {
    this.store.push(message);
    queue.offer(message);
  }

  remove(messageId: string): void {
    const index = this.store.findIndex((stored) => stored.id === messageId);
    if (index >= 0) this.store.splice(index, 1);
  }
}

/** Every attempt from now on waits until the returned function is called, then ends "done". */
function holdAttempts(io: FakeIo): () => void {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  io.outcome = async (): Promise<AttemptOutcome> => {
    await gate;
    return "done";
  };
  return () => release();
}

describe("RecipientQueue", () => {
  it("delivers offered messages at once, in order", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, false);
    for (let n = 1; n <= 5; n += 1) io.accept(queue, message(id(n)));
    await settle();
    assert.deepEqual(io.attempts, [id(1), id(2), id(3), id(4), id(5)]);
    assert.deepEqual(io.store, []);
    assert.ok(queue.isIdle);
  });

  it("sends one message at a time: the next waits until the previous attempt ends", async () => {
    const io = new FakeIo();
    let finish: (outcome: AttemptOutcome) => void = () => undefined;
    io.outcome = () => new Promise<AttemptOutcome>((resolve) => (finish = resolve));
    const queue = new RecipientQueue(io, false);
    io.accept(queue, message(id(1)));
    io.accept(queue, message(id(2)));
    await settle();
    assert.deepEqual(io.attempts, [id(1)]);
    assert.ok(queue.isBusyWith(id(1)) && queue.isBusyWith(id(2)));
    finish("done");
    await settle();
    assert.deepEqual(io.attempts, [id(1), id(2)]);
    finish("done");
    await settle();
    assert.ok(!queue.isBusyWith(id(2)));
    assert.ok(queue.isIdle);
  });

  it("switches to waiting on a retryable failure and attempts nothing more until drain()", async () => {
    const io = new FakeIo();
    io.outcome = () => "retry";
    const queue = new RecipientQueue(io, false);
    io.accept(queue, message(id(1)));
    io.accept(queue, message(id(2)));
    await settle();
    assert.deepEqual(io.attempts, [id(1)]);
    assert.ok(queue.isWaiting);

    io.outcome = () => "done";
    io.accept(queue, message(id(3)));
    await settle();
    assert.deepEqual(io.attempts, [id(1)], "a waiting queue attempted a delivery before drain()");
    assert.deepEqual(
      io.store.map((stored) => stored.id),
      [id(1), id(2), id(3)],
    );
  });

  it("delivers a readmitted message older than what it sent, live and from the store, once, without moving the watermark back", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, false);
    io.accept(queue, message(id(5)));
    await settle();
    io.store.push(message(id(2)));
    queue.readmit(message(id(2)));
    await settle();
    assert.deepEqual(io.attempts, [id(5), id(2)], "live: sent although older than m0005");
    queue.offer(message(id(5)));
    queue.offer(message(id(2)));
    await settle();
    assert.deepEqual(io.attempts, [id(5), id(2)], "neither is sent twice");

    io.outcome = () => "retry";
    io.accept(queue, message(id(6)));
    await settle();
    assert.ok(queue.isWaiting);
    io.outcome = () => "done";
    io.store.push(message(id(3)));
    queue.readmit(message(id(3)));
    await queue.drain();
    assert.deepEqual(io.attempts, [id(5), id(2), id(6), id(6), id(3)], "waiting: the drain takes the readmitted one too");
    assert.deepEqual(io.store, []);
  });

  it("sends a message readmitted while a drain is under way, though the drain then moves past its id", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, true);
    io.store.push(message(id(5)), message(id(6)));
    const release = holdAttempts(io);
    const drained = queue.drain();
    await settle(); // the drain has read m0005 and m0006 and is attempting m0005
    io.store.push(message(id(3)));
    queue.readmit(message(id(3)));
    release();
    await drained;
    await settle();
    assert.deepEqual(io.attempts, [id(5), id(6), id(3)]);
    assert.deepEqual(io.store, []);
  });

  it("never sends a readmitted message skipped as expired while a drain holds it", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, false);
    io.accept(queue, message(id(5)));
    await settle();
    io.outcome = () => "retry";
    io.accept(queue, message(id(6)));
    await settle();
    assert.ok(queue.isWaiting);
    for (const n of [1, 3]) {
      io.store.push(message(id(n)));
      queue.readmit(message(id(n)));
    }
    io.store.sort((x, y) => x.id.localeCompare(y.id));
    const release = holdAttempts(io);
    const drained = queue.drain();
    await settle(); // attempting m0001; the page holds m0003 and m0006
    queue.skip(id(3));
    release();
    await drained;
    assert.deepEqual(io.attempts, [id(5), id(6), id(1), id(6)], "m0003 was reported expired: never sent");
  });

  it("drains what waits in the store in order, then delivers new offers live", async () => {
    const io = new FakeIo();
    io.outcome = () => "retry";
    const queue = new RecipientQueue(io, false);
    for (let n = 1; n <= 3; n += 1) io.accept(queue, message(id(n)));
    await settle();
    io.attempts.length = 0;

    io.outcome = () => "done";
    await within(queue.drain(), "the drain");
    assert.deepEqual(io.attempts, [id(1), id(2), id(3)]);
    assert.ok(!queue.isWaiting);

    io.accept(queue, message(id(4)));
    await settle();
    assert.deepEqual(io.attempts, [id(1), id(2), id(3), id(4)]);
    assert.deepEqual(io.store, []);
  });

  it("starts waiting when created so, and ignores offers until drain()", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, true);
    io.accept(queue, message(id(1)));
    await settle();
    assert.deepEqual(io.attempts, []);
    assert.ok(queue.isWaiting);
    await within(queue.drain(), "the drain");
    assert.deepEqual(io.attempts, [id(1)]);
  });

  it("drains more messages than one page holds, in order", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, true);
    const ids = Array.from({ length: 450 }, (_, n) => id(n + 1));
    for (const messageId of ids) io.store.push(message(messageId));
    await within(queue.drain(), "the drain");
    assert.deepEqual(io.attempts, ids);
    assert.ok(io.loads.length >= 3, `the drain read ${io.loads.length} pages for 450 messages`);
    assert.ok(!queue.isWaiting);
  });

  it("goes back to waiting when an attempt fails during a drain, and resumes from that message on the next drain", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, true);
    for (let n = 1; n <= 4; n += 1) io.store.push(message(id(n)));
    io.outcome = (attempted) => (attempted.id === id(3) ? "retry" : "done");
    await within(queue.drain(), "the first drain");
    assert.deepEqual(io.attempts, [id(1), id(2), id(3)]);
    assert.ok(queue.isWaiting);

    io.outcome = () => "done";
    await within(queue.drain(), "the second drain");
    assert.deepEqual(io.attempts, [id(1), id(2), id(3), id(3), id(4)]);
    assert.ok(!queue.isWaiting);
  });

  it("does nothing on drain() while live", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, false);
    io.store.push(message(id(1)));
    await within(queue.drain(), "the drain");
    assert.deepEqual(io.loads, []);
    assert.deepEqual(io.attempts, []);
  });

  it("delivers exactly once a message the drain found in the store and its acceptance offered again", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, true);
    io.store.push(message(id(1)));
    // id(2) is written to the store while the queue waits; its offer arrives only after the drain went live.
    const late = message(id(2));
    io.store.push(late);
    await within(queue.drain(), "the drain");
    assert.deepEqual(io.attempts, [id(1), id(2)]);
    assert.ok(!queue.isWaiting);

    queue.offer(late);
    io.accept(queue, message(id(3)));
    await settle();
    assert.deepEqual(io.attempts, [id(1), id(2), id(3)], "the late offer of id(2) was delivered a second time");
  });

  it("delivers exactly once a message offered while the drain is attempting it", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, true);
    let finish: (outcome: AttemptOutcome) => void = () => undefined;
    io.outcome = () => new Promise<AttemptOutcome>((resolve) => (finish = resolve));
    const first = message(id(1));
    io.store.push(first);
    const drained = queue.drain();
    await settle();
    queue.offer(first);
    finish("done");
    await within(drained, "the drain");
    queue.offer(first);
    await settle();
    assert.deepEqual(io.attempts, [id(1)]);
  });

  it("never delivers a message skipped as expired, though the store still lists it when the drain reads", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, true);
    const expired = message(id(1));
    io.store.push(expired, message(id(2)));
    queue.skip(id(1));
    await within(queue.drain(), "the drain");
    assert.deepEqual(io.attempts, [id(2)]);

    queue.offer(expired);
    await settle();
    assert.deepEqual(io.attempts, [id(2)], "the skipped message was delivered after all");
  });

  it("delivers a message accepted while the drain reads its last, empty page", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, true);
    io.store.push(message(id(1)));
    let release = (): void => undefined;
    let loads = 0;
    const load = io.loadPending.bind(io);
    io.loadPending = async (limit) => {
      const page = await load(limit);
      if (++loads === 2) await new Promise<void>((resolve) => (release = resolve));
      return page;
    };
    const drained = queue.drain();
    await settle();
    io.accept(queue, message(id(2)));
    release();
    await within(drained, "the drain");
    await settle();
    assert.deepEqual(io.attempts, [id(1), id(2)]);
  });

  it("does not deliver a message skipped as expired while a drain is attempting an earlier one", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, true);
    io.store.push(message(id(1)), message(id(2)));
    let finish: (outcome: AttemptOutcome) => void = () => undefined;
    io.outcome = (m) => (m.id === id(1) ? new Promise<AttemptOutcome>((resolve) => (finish = resolve)) : "done");
    const drained = queue.drain();
    await settle();
    queue.skip(id(2));
    io.remove(id(2));
    finish("done");
    await within(drained, "the drain");
    assert.deepEqual(io.attempts, [id(1)]);
  });

  it("drains again after a store read failed, instead of staying stuck", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, true);
    io.store.push(message(id(1)));
    const load = io.loadPending.bind(io);
    let fail = true;
    io.loadPending = async (limit) => {
      if (fail) {
        fail = false;
        throw new Error("SQLITE_BUSY");
      }
      return load(limit);
    };
    await assert.rejects(within(queue.drain(), "the failing drain"));
    assert.ok(queue.isWaiting);
    await within(queue.drain(), "the second drain");
    assert.deepEqual(io.attempts, [id(1)]);
  });

  it("still delivers an older waiting message after a newer one is skipped", async () => {
    const io = new FakeIo();
    const queue = new RecipientQueue(io, true);
    io.store.push(message(id(1)), message(id(2)));
    queue.skip(id(2));
    io.remove(id(2));
    await within(queue.drain(), "the drain");
    assert.deepEqual(io.attempts, [id(1)]);
  });

  describe("with confirmations (SendResult.confirmed)", () => {
    /**
     * Every attempt is "sent": its confirmation waits in `open` until the test settles it; "done" removes the
     * message from the store, as Outbox.attempt does once confirmed.
     */
    function confirmingIo(): { io: FakeIo; open: Map<string, Array<(outcome: "done" | "retry") => void>>; settleAll: (id: string, outcome: "done" | "retry") => void } {
      const io = new FakeIo();
      const open = new Map<string, Array<(outcome: "done" | "retry") => void>>();
      io.outcome = (m) => ({
        confirmation: new Promise<"done" | "retry">((resolve) => open.set(m.id, [...(open.get(m.id) ?? []), resolve])).then((outcome) => {
          if (outcome === "done") io.remove(m.id);
          return outcome;
        }),
      });
      const settleAll = (messageId: string, outcome: "done" | "retry"): void => {
        for (const resolve of open.get(messageId) ?? []) resolve(outcome);
        open.delete(messageId);
      };
      return { io, open, settleAll };
    }

    it("sends the next message before the previous one is confirmed, and forgets each once confirmed", async () => {
      const { io, settleAll } = confirmingIo();
      const queue = new RecipientQueue(io, false);
      for (let n = 1; n <= 3; n += 1) io.accept(queue, message(id(n)));
      await settle();
      assert.deepEqual(io.attempts, [id(1), id(2), id(3)], "pipelined: no attempt waited for a confirmation");
      assert.ok(queue.isBusyWith(id(2)), "an unconfirmed message is busy (not expired)");
      assert.ok(!queue.isIdle, "a queue with unconfirmed messages is not idle (not forgotten)");
      for (let n = 1; n <= 3; n += 1) settleAll(id(n), "done");
      await settle();
      assert.deepEqual(io.store, []);
      assert.ok(queue.isIdle);
    });

    it("rewinds to the oldest unconfirmed message when a confirmation fails: the next drain sends it and every later one again, in order, and no confirmed one", async () => {
      const { io, settleAll } = confirmingIo();
      const queue = new RecipientQueue(io, false);
      for (let n = 1; n <= 4; n += 1) io.accept(queue, message(id(n)));
      await settle();
      settleAll(id(1), "done");
      settleAll(id(2), "retry"); // the connection was lost: 2, 3 and 4 never reached the network
      settleAll(id(3), "retry");
      settleAll(id(4), "retry");
      await settle();
      assert.ok(queue.isWaiting);
      io.accept(queue, message(id(5))); // accepted while waiting: only in the store
      await settle();
      assert.deepEqual(io.attempts, [id(1), id(2), id(3), id(4)]);

      const drained = queue.drain();
      await settle();
      for (let n = 2; n <= 5; n += 1) settleAll(id(n), "done");
      await within(drained, "the drain");
      assert.deepEqual(io.attempts.slice(4), [id(2), id(3), id(4), id(5)]);
      assert.deepEqual(io.store, []);
      assert.ok(!queue.isWaiting);
    });

    it("does not send again a message whose success arrives after the rewind but before the drain reaches it", async () => {
      const { io, settleAll } = confirmingIo();
      const queue = new RecipientQueue(io, false);
      for (let n = 1; n <= 2; n += 1) io.accept(queue, message(id(n)));
      await settle();
      settleAll(id(1), "retry");
      await settle();
      let release = (): void => undefined;
      const load = io.loadPending.bind(io);
      io.loadPending = async (limit) => {
        const page = await load(limit);
        await new Promise<void>((resolve) => (release = resolve));
        return page;
      };
      const drained = queue.drain();
      await settle();
      settleAll(id(2), "done"); // confirmed late, after the drain read the store
      await settle();
      io.loadPending = load;
      release();
      await settle();
      settleAll(id(1), "done");
      await within(drained, "the drain");
      assert.deepEqual(io.attempts, [id(1), id(2), id(1)], "id(2) was sent again after its confirmation");
    });

    it("ignores the failure of a confirmation from before a rewind, and keeps what the drain sent since", async () => {
      const { io, open, settleAll } = confirmingIo();
      const queue = new RecipientQueue(io, false);
      for (let n = 1; n <= 2; n += 1) io.accept(queue, message(id(n)));
      await settle();
      settleAll(id(1), "retry");
      await settle();
      const drained = queue.drain();
      await settle();
      assert.deepEqual(io.attempts, [id(1), id(2), id(1), id(2)]);
      const [stale] = open.get(id(2)) ?? [];
      stale?.("retry"); // the first send of id(2), from before the rewind, fails late
      await settle();
      assert.ok(!queue.isWaiting, "a stale failure rewound the queue again");
      settleAll(id(1), "done");
      settleAll(id(2), "done");
      await within(drained, "the drain");
      assert.ok(!queue.isWaiting);
      assert.deepEqual(io.attempts, [id(1), id(2), id(1), id(2)]);
      assert.deepEqual(io.store, []);
    });

    it("drains more unconfirmed messages than a page holds: each page is confirmed before the next is read", async () => {
      const io = new FakeIo();
      io.outcome = (m) => ({
        confirmation: new Promise<"done">((resolve) => setImmediate(() => resolve("done"))).then((outcome) => {
          io.remove(m.id);
          return outcome;
        }),
      });
      const queue = new RecipientQueue(io, true);
      for (let n = 1; n <= 450; n += 1) io.store.push(message(id(n)));
      await within(queue.drain(), "the drain");
      assert.equal(io.attempts.length, 450);
      assert.deepEqual(io.attempts, [...io.attempts].sort());
      assert.deepEqual(io.store, []);
    });
  });
});
