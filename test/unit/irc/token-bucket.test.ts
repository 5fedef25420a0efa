import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { LineQueue, TokenBucket, type Schedule } from "../../../src/adapters/irc/token-bucket.js";

/** A clock and a setTimeout-like scheduler that only move when the test says so. */
class FakeTime {
  now = 1_000_000;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 0;
  readonly clock = (): number => this.now;
  readonly schedule: Schedule = (callback, delayMs) => {
    const id = this.nextId++;
    this.timers.push({ at: this.now + delayMs, callback, id });
    return () => {
      this.timers = this.timers.filter((timer) => timer.id !== id);
    };
  };

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** The delays of the timers now set, from now. */
  delays(): number[] {
    return this.timers.map((timer) => timer.at - this.now);
  }

  /** Moves time forward, running due timers in order (a timer may set another). */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.now = Math.max(this.now, due.at);
      due.callback();
    }
    this.now = end;
  }
}

describe("IRC flood control (RFC 1459 section 8.10)", () => {
  describe("TokenBucket", () => {
    it("lets a burst of `capacity` lines go at once, then asks to wait", () => {
      const time = new FakeTime();
      const bucket = new TokenBucket({ capacity: 3, ratePerSecond: 0.5, now: time.clock });
      assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [0, 0, 0]);
      assert.equal(bucket.take(), 2000);
      assert.equal(bucket.take(), 2000, "a refused take takes nothing");
    });

    it("refills at the rate and says exactly how long to wait", () => {
      const time = new FakeTime();
      const bucket = new TokenBucket({ capacity: 2, ratePerSecond: 2, now: time.clock, initialTokens: 0 });
      assert.equal(bucket.take(), 500);
      time.advance(200);
      assert.equal(bucket.take(), 300);
      time.advance(300);
      assert.equal(bucket.take(), 0);
      assert.equal(bucket.take(), 500);
    });

    it("never holds more than its capacity", () => {
      const time = new FakeTime();
      const bucket = new TokenBucket({ capacity: 2, ratePerSecond: 1, now: time.clock });
      time.advance(60_000);
      assert.equal(bucket.tokens, 2);
      assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [0, 0, 1000]);
    });

    it("keeps fractional tokens between takes", () => {
      const time = new FakeTime();
      const bucket = new TokenBucket({ capacity: 1, ratePerSecond: 0.5, now: time.clock, initialTokens: 0 });
      time.advance(500);
      assert.equal(bucket.tokens, 0.25);
      time.advance(1500);
      assert.equal(bucket.take(), 0);
    });

    it("refills nothing when the clock goes back", () => {
      const time = new FakeTime();
      const bucket = new TokenBucket({ capacity: 1, ratePerSecond: 1, now: time.clock, initialTokens: 0 });
      time.now -= 10_000;
      assert.equal(bucket.take(), 1000);
      time.now += 1000;
      assert.equal(bucket.take(), 0);
    });

    it("refuses a capacity under 1 or a rate that is not positive", () => {
      for (const options of [{ capacity: 0, ratePerSecond: 1 }, { capacity: 1, ratePerSecond: 0 }, { capacity: 1, ratePerSecond: Number.NaN }, { capacity: Infinity, ratePerSecond: 1 }]) {
        assert.throws(() => new TokenBucket(options), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_INTERNAL", JSON.stringify(options));
      }
    });
  });

  describe("LineQueue", () => {
    function setup(capacity: number, ratePerSecond: number, maxPending?: number): { time: FakeTime; sent: [number, string][]; queue: LineQueue } {
      const time = new FakeTime();
      const sent: [number, string][] = [];
      const bucket = new TokenBucket({ capacity, ratePerSecond, now: time.clock });
      const start = time.now;
      const queue = new LineQueue({ bucket, send: (line) => sent.push([time.now - start, line]), schedule: time.schedule, ...(maxPending === undefined ? {} : { maxPending }) });
      return { time, sent, queue };
    }

    it("sends at once while tokens last, then one line per token, in order", () => {
      const { time, sent, queue } = setup(2, 1);
      for (const line of ["a", "b", "c", "d", "e"]) queue.enqueue(line);
      assert.deepEqual(sent, [[0, "a"], [0, "b"]]);
      assert.equal(queue.pending, 3);
      assert.deepEqual(time.delays(), [1000]);
      time.advance(999);
      assert.equal(sent.length, 2);
      time.advance(1);
      assert.deepEqual(sent.slice(2), [[1000, "c"]]);
      time.advance(2000);
      assert.deepEqual(sent.slice(2), [[1000, "c"], [2000, "d"], [3000, "e"]]);
      assert.equal(queue.pending, 0);
      assert.equal(time.pendingTimers, 0);
    });

    it("keeps a new line behind waiting ones even when a token has come back", () => {
      const { time, sent, queue } = setup(1, 1);
      queue.enqueue("first");
      queue.enqueue("second");
      time.now += 5000; // tokens are back, but the timer has not fired yet
      queue.enqueue("third");
      assert.deepEqual(sent.map(([, line]) => line), ["first"]);
      time.advance(0);
      assert.deepEqual(sent.map(([, line]) => line), ["first", "second"]);
    });

    it("sets one timer at a time", () => {
      const { time, queue } = setup(1, 1);
      for (let i = 0; i < 10; i++) queue.enqueue(`line ${i}`);
      assert.equal(time.pendingTimers, 1);
      time.advance(1000);
      assert.equal(time.pendingTimers, 1);
    });

    it("tells each line's callback when it was sent", () => {
      const { time, queue } = setup(1, 1);
      const done: string[] = [];
      queue.enqueue("a", (error) => done.push(`a:${error === undefined ? "sent" : error.message}`));
      queue.enqueue("b", (error) => done.push(`b:${error === undefined ? "sent" : error.message}`));
      assert.deepEqual(done, ["a:sent"]);
      time.advance(1000);
      assert.deepEqual(done, ["a:sent", "b:sent"]);
    });

    it("drops the waiting lines on clear(), telling each one with GW_ERR_UNAVAILABLE", () => {
      const { time, sent, queue } = setup(1, 1);
      const errors: (Error | undefined)[] = [];
      queue.enqueue("a", (error) => errors.push(error));
      queue.enqueue("b", (error) => errors.push(error));
      queue.enqueue("c", (error) => errors.push(error));
      assert.equal(queue.clear(), 2);
      assert.equal(queue.pending, 0);
      assert.equal(time.pendingTimers, 0);
      assert.equal(errors[0], undefined);
      for (const error of errors.slice(1)) assert.ok(error instanceof GatewayError && error.code === "GW_ERR_UNAVAILABLE" && error.retryable);
      assert.equal(errors.length, 3);
      time.advance(10_000);
      assert.deepEqual(sent.map(([, line]) => line), ["a"]);
      queue.enqueue("d");
      assert.deepEqual(sent.map(([, line]) => line), ["a", "d"]);
    });

    it("refuses a line with GW_ERR_RATE_LIMITED when maxPending lines wait", () => {
      const { queue } = setup(1, 1, 2);
      queue.enqueue("sent");
      queue.enqueue("w1");
      queue.enqueue("w2");
      assert.throws(() => queue.enqueue("w3"), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_RATE_LIMITED" && error.retryable);
      assert.equal(queue.pending, 2);
    });

    it("gives a failing send's error to the line's callback and goes on", () => {
      const time = new FakeTime();
      const bucket = new TokenBucket({ capacity: 5, ratePerSecond: 1, now: time.clock });
      const sent: string[] = [];
      const queue = new LineQueue({
        bucket,
        schedule: time.schedule,
        send: (line) => {
          if (line === "bad") throw new Error("socket closed");
          sent.push(line);
        },
      });
      const results: string[] = [];
      for (const line of ["ok1", "bad", "ok2"]) queue.enqueue(line, (error) => results.push(`${line}:${error?.message ?? "sent"}`));
      assert.deepEqual(results, ["ok1:sent", "bad:socket closed", "ok2:sent"]);
      assert.deepEqual(sent, ["ok1", "ok2"]);
    });

    it("throws a failing send's error when the line has no callback, and still sends the next lines", () => {
      const time = new FakeTime();
      const bucket = new TokenBucket({ capacity: 1, ratePerSecond: 1, now: time.clock });
      const sent: string[] = [];
      const queue = new LineQueue({
        bucket,
        schedule: time.schedule,
        send: (line) => {
          if (line === "bad") throw new Error("boom");
          sent.push(line);
        },
      });
      assert.throws(() => queue.enqueue("bad"), /boom/);
      queue.enqueue("next");
      assert.equal(queue.pending, 1);
      time.advance(1000);
      assert.deepEqual(sent, ["next"]);
    });
  });
});
