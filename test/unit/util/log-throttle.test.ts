import assert from "node:assert/strict";
import { LogThrottle } from "../../../src/util/log-throttle.js";

describe("LogThrottle", () => {
  it("lets one line an interval through and counts the rest, for the next line or the closing summary", () => {
    let now = 0;
    const throttle = new LogThrottle(60_000, () => now);
    assert.equal(throttle.occurred(), 0, "the first is written");
    for (let i = 0; i < 49_999; i += 1) assert.equal(throttle.occurred(), undefined);
    now = 60_000;
    assert.equal(throttle.occurred(), 49_999, "the next line says how many were held back");
    assert.equal(throttle.occurred(), undefined);
    assert.equal(throttle.takeHeld(), 1);
    assert.equal(throttle.takeHeld(), 0);
  });
});
