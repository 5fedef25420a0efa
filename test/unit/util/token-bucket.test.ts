import assert from "node:assert/strict";
import { TokenBucket } from "../../../src/util/token-bucket.js";

/** A clock the test moves by hand, in milliseconds. */
function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

function takeAll(bucket: TokenBucket, tries: number): number {
  let taken = 0;
  for (let i = 0; i < tries; i += 1) if (bucket.take()) taken += 1;
  return taken;
}

describe("TokenBucket", () => {
  it("starts full: gives `burst` tokens at once, then refuses", () => {
    const clock = manualClock();
    const bucket = new TokenBucket(10, 5, clock.now);
    assert.equal(takeAll(bucket, 5), 5);
    assert.equal(bucket.take(), false);
  });

  it("refills at ratePerSecond", () => {
    const clock = manualClock();
    const bucket = new TokenBucket(10, 5, clock.now);
    takeAll(bucket, 5);
    clock.advance(99);
    assert.equal(bucket.take(), false, "a token came back before 100 ms at 10 per second");
    clock.advance(1);
    assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), false);
    clock.advance(300);
    assert.equal(takeAll(bucket, 10), 3);
  });

  it("counts fractions of a token across several calls", () => {
    const clock = manualClock();
    const bucket = new TokenBucket(2, 1, clock.now);
    assert.equal(bucket.take(), true);
    for (let i = 0; i < 4; i += 1) {
      clock.advance(100);
      assert.equal(bucket.take(), false, `after ${(i + 1) * 100} ms`);
    }
    clock.advance(100);
    assert.equal(bucket.take(), true, "half a second at 2 per second is one token");
  });

  it("never holds more than `burst` tokens, however long it rests", () => {
    const clock = manualClock();
    const bucket = new TokenBucket(10, 5, clock.now);
    takeAll(bucket, 5);
    clock.advance(3_600_000);
    assert.equal(takeAll(bucket, 100), 5);
  });

  it("allows a steady rate forever and no more", () => {
    const clock = manualClock();
    const bucket = new TokenBucket(20, 1, clock.now);
    let taken = 0;
    for (let ms = 0; ms < 10_000; ms += 10) {
      clock.advance(10);
      if (bucket.take()) taken += 1;
    }
    // 1 token to start with, then 20 per second for 10 s.
    assert.ok(taken >= 200 && taken <= 201, `took ${taken}`);
  });

  it("says when it is full again, so that the caller can forget it", () => {
    const clock = manualClock();
    const bucket = new TokenBucket(4, 2, clock.now);
    assert.equal(bucket.isFull(), true);
    bucket.take();
    assert.equal(bucket.isFull(), false);
    clock.advance(249);
    assert.equal(bucket.isFull(), false);
    clock.advance(1);
    assert.equal(bucket.isFull(), true);
  });

  it("does not change its tokens when asked whether it is full", () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1, 1, clock.now);
    bucket.take();
    clock.advance(500);
    bucket.isFull();
    clock.advance(500);
    assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), false);
  });
});
