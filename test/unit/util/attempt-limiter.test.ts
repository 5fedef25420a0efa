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

  it("forgets every key when a new one would pass maxKeys, so that keys anyone can make cannot fill the memory", () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(1, 60_000, clock.now, 2);
    limiter.fail("a");
    limiter.fail("b");
    limiter.fail("b"); // a key it has does not count as new
    assert.ok(limiter.retryAfter("a") > 0 && limiter.retryAfter("b") > 0);
    limiter.fail("c");
    assert.deepEqual(["a", "b", "c"].map((key) => limiter.retryAfter(key) > 0), [false, false, true]);
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
