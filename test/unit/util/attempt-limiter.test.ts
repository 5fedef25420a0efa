import assert from "node:assert/strict";
import { AttemptLimiter } from "../../../src/util/attempt-limiter.js";

/** A clock the test moves by hand, in milliseconds. */
function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe("AttemptLimiter", () => {
  it("lets a key try while it has fewer than max failures in the window", () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(3, 60_000, clock.now);
    assert.equal(limiter.retryAfter("login:1.2.3.4"), 0);
    limiter.fail("login:1.2.3.4");
    limiter.fail("login:1.2.3.4");
    assert.equal(limiter.retryAfter("login:1.2.3.4"), 0);
  });

  it("blocks a key after max failures, until the oldest failure leaves the window", () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(3, 60_000, clock.now);
    for (let i = 0; i < 3; i += 1) {
      limiter.fail("k");
      clock.advance(1000);
    }
    // Failures at 0 s, 1 s and 2 s; now is 3 s: the first leaves the window at 60 s.
    assert.equal(limiter.retryAfter("k"), 57_000);
    clock.advance(56_999);
    assert.equal(limiter.retryAfter("k"), 1);
    clock.advance(1);
    assert.equal(limiter.retryAfter("k"), 0);
  });

  it("slides the window: old failures stop counting one by one", () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(2, 10_000, clock.now);
    limiter.fail("k");
    clock.advance(6000);
    limiter.fail("k");
    assert.ok(limiter.retryAfter("k") > 0);
    clock.advance(4000);
    assert.equal(limiter.retryAfter("k"), 0, "the first failure is 10 s old and should no longer count");
    limiter.fail("k");
    assert.equal(limiter.retryAfter("k"), 6000, "the failure at 6 s blocks until 16 s");
  });

  it("clears a key's failures on success", () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(2, 60_000, clock.now);
    limiter.fail("k");
    limiter.fail("k");
    assert.ok(limiter.retryAfter("k") > 0);
    limiter.succeed("k");
    assert.equal(limiter.retryAfter("k"), 0);
    limiter.fail("k");
    assert.equal(limiter.retryAfter("k"), 0, "a success should have forgotten the earlier failures");
  });

  it("keeps keys apart", () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(1, 60_000, clock.now);
    limiter.fail("login:1.2.3.4");
    assert.ok(limiter.retryAfter("login:1.2.3.4") > 0);
    assert.equal(limiter.retryAfter("login:5.6.7.8"), 0);
    limiter.succeed("login:5.6.7.8");
    assert.ok(limiter.retryAfter("login:1.2.3.4") > 0);
  });

  it("evicts the key that failed least recently when a new one would pass maxKeys, never clearing the others' counts", () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(2, 60_000, clock.now, 3);
    limiter.fail("a");
    limiter.fail("b");
    limiter.fail("c");
    limiter.fail("a"); // "a" failed again: now "b" is the one that failed least recently
    assert.ok(limiter.retryAfter("a") > 0, "a is blocked (2 attempts)");
    limiter.fail("d");
    assert.equal(limiter.size, 3);
    limiter.fail("c");
    assert.ok(limiter.retryAfter("c") > 0, "c kept its first attempt: b was evicted, not c");
    limiter.fail("b");
    assert.equal(limiter.retryAfter("b"), 0, "b starts again from one attempt");
    assert.ok(limiter.retryAfter("a") > 0 && limiter.retryAfter("c") > 0, "the blocked keys are kept");
  });

  it("evicts a blocked key only when every key is blocked, and a key whose attempts left the window before any", () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(1, 60_000, clock.now, 2);
    limiter.fail("old");
    clock.advance(60_000);
    limiter.fail("blocked");
    limiter.fail("new"); // "old" has no attempt in the window any more: it goes first
    assert.ok(limiter.retryAfter("blocked") > 0 && limiter.retryAfter("new") > 0);
    limiter.fail("newer"); // all blocked: the memory bound wins, the one that failed least recently goes
    assert.equal(limiter.size, 2);
    assert.deepEqual(["blocked", "new", "newer"].map((key) => limiter.retryAfter(key) > 0), [false, true, true]);
  });

  it("keeps blocked keys however many keys an attacker makes past maxKeys", () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(3, 60_000, clock.now, 100);
    for (let index = 0; index < 3; index += 1) limiter.fail("victim");
    for (let index = 0; index < 10_000; index += 1) limiter.fail(`minted-${index}`);
    assert.ok(limiter.size <= 100);
    assert.ok(limiter.retryAfter("victim") > 0);
  });

  it("drops keys whose attempts have all left the window once the map has grown, so memory shrinks after a burst", () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(5, 60_000, clock.now);
    for (let index = 0; index < 5000; index += 1) limiter.fail(`burst-${index}`);
    assert.equal(limiter.size, 5000);
    clock.advance(60_000);
    for (let index = 0; index < 10; index += 1) limiter.fail(`later-${index}`);
    assert.equal(limiter.size, 10, "a window after the last sweep, a new key sweeps the keys of the burst");
  });

  it("sweeps within a window too once the number of keys has doubled since the last sweep", () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(5, 60_000, clock.now);
    clock.advance(10_000);
    for (let index = 0; index < 1000; index += 1) limiter.fail(`early-${index}`);
    clock.advance(50_000);
    limiter.fail("late"); // a window since the start: this new key sweeps (nothing has left the window yet)
    clock.advance(15_000); // the early keys have left the window, but a window has not passed since that sweep
    for (let index = 0; index < 1000; index += 1) limiter.fail(`burst-${index}`);
    assert.equal(limiter.size, 1 + 1000, "at twice the keys of the last sweep the early ones are swept; late is kept");
    for (let index = 0; index < 4; index += 1) limiter.fail("late");
    assert.ok(limiter.retryAfter("late") > 0, "late kept its first attempt");
  });

  it("never answers a wait of 0 while blocked, even at the last millisecond", () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(1, 1000, clock.now);
    limiter.fail("k");
    for (let ms = 0; ms < 1000; ms += 1) {
      assert.ok(limiter.retryAfter("k") >= 1, `at ${ms} ms`);
      clock.advance(1);
    }
    assert.equal(limiter.retryAfter("k"), 0);
  });

  it("takes back one counted attempt with forgive (one that was not made after all), and nothing of a key without any", () => {
    const limiter = new AttemptLimiter(2, 60_000, manualClock().now);
    limiter.forgive("k");
    limiter.fail("k");
    limiter.fail("k");
    assert.ok(limiter.retryAfter("k") > 0);
    limiter.forgive("k");
    assert.equal(limiter.retryAfter("k"), 0);
    limiter.fail("k");
    assert.ok(limiter.retryAfter("k") > 0, "the one left still counts");
  });
});
