import assert from "node:assert/strict";
import { backoffDelay } from "../../../src/util/backoff.js";

const options = { baseMs: 100, capMs: 30_000 };
/** Just below 1: the largest value Math.random can return is 1 - 2^-53. */
const almostOne = (): number => 1 - 2 ** -53;

describe("backoffDelay", () => {
  it("is 0 when the random draw is 0, at any attempt", () => {
    for (let attempt = 0; attempt < 40; attempt += 1) {
      assert.equal(backoffDelay(attempt, { ...options, random: () => 0 }), 0);
    }
  });

  it("doubles its ceiling with each attempt, starting from baseMs", () => {
    const half = (): number => 0.5;
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((attempt) => backoffDelay(attempt, { ...options, random: half })),
      [50, 100, 200, 400, 800],
    );
  });

  it("stays below the ceiling of base * 2^attempt for the largest draw", () => {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const ceiling = 100 * 2 ** attempt;
      const delay = backoffDelay(attempt, { ...options, random: almostOne });
      assert.ok(delay < ceiling && delay >= ceiling - 1, `attempt ${attempt}: ${delay} for ceiling ${ceiling}`);
    }
  });

  it("never exceeds capMs, even for attempts so large that 2^attempt is infinite", () => {
    for (const attempt of [9, 10, 20, 100, 1023, 1024, 5000]) {
      const delay = backoffDelay(attempt, { ...options, random: almostOne });
      assert.ok(delay <= 30_000 && delay >= 29_999, `attempt ${attempt}: ${delay}`);
    }
  });

  it("treats a negative attempt as attempt 0", () => {
    assert.equal(backoffDelay(-3, { ...options, random: () => 0.5 }), 50);
  });

  it("spreads delays over the whole range with the default random source", () => {
    const delays = Array.from({ length: 2000 }, () => backoffDelay(4, options));
    assert.ok(delays.every((delay) => Number.isInteger(delay) && delay >= 0 && delay < 1600));
    // Full jitter: both the low and the high quarter of [0, 1600) are used (each missed with odds about 2^-830).
    assert.ok(delays.some((delay) => delay < 400));
    assert.ok(delays.some((delay) => delay >= 1200));
  });

  it("returns whole milliseconds", () => {
    assert.ok(Number.isInteger(backoffDelay(3, { ...options, random: () => 0.123456789 })));
  });
});
