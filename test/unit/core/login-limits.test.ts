import assert from "node:assert/strict";
import { passwordAttempt } from "../../../src/core/login-limits.js";
import { AttemptLimiter } from "../../../src/util/attempt-limiter.js";

describe("a password attempt in the login limiter", function () {
  const now = (): number => 1_000_000;
  const rateLimited = { code: "GW_ERR_RATE_LIMITED" };

  it("takes back what begin counted when the password was right, so that right passwords never limit an address or a user", function () {
    const limiter = new AttemptLimiter(2, 60_000, now);
    // Far more right logins than the address's and the user's limits (4 and 20 times max), from many addresses too.
    for (let index = 0; index < 50; index++) {
      const attempt = passwordAttempt(limiter, "10.0.0.1", "alice");
      attempt.check();
      attempt.begin();
      attempt.passed();
      const elsewhere = passwordAttempt(limiter, `10.0.1.${index}`, "alice");
      elsewhere.check();
      elsewhere.begin();
      elsewhere.passed();
    }
    // Then the address still gets its whole allowance of wrong guesses on another name.
    for (let index = 0; index < 2; index++) {
      const guess = passwordAttempt(limiter, "10.0.0.1", "bob");
      guess.check();
      guess.begin();
    }
    assert.throws(() => passwordAttempt(limiter, "10.0.0.1", "bob").check(), rateLimited);
  });

  it("leaves an attempt counted when its check never ends in passed (a wrong password, a store error)", function () {
    const limiter = new AttemptLimiter(2, 60_000, now);
    for (let index = 0; index < 2; index++) {
      const attempt = passwordAttempt(limiter, "10.0.0.2", "carol");
      attempt.check();
      attempt.begin();
    }
    assert.throws(() => passwordAttempt(limiter, "10.0.0.2", "carol").check(), rateLimited);
  });

  it("stays bounded when a guesser makes keys past the limiter's size, and keeps the counts that block the victim", function () {
    const limiter = new AttemptLimiter(2, 60_000, now, 300);
    // A guesser spends the victim's allowance from one address, and reaches the per-user limit (20 x max) from others.
    for (let index = 0; index < 40; index++) {
      const guess = passwordAttempt(limiter, index < 2 ? "10.0.0.3" : `10.0.2.${index}`, "dave");
      guess.check();
      guess.begin();
    }
    assert.throws(() => passwordAttempt(limiter, "10.0.9.9", "dave").check(), rateLimited);
    // Then makes keys with any name from fresh addresses, far past the limiter's size, to push those counts out.
    for (let index = 0; index < 5000; index++) {
      const minted = passwordAttempt(limiter, `fd00::${index.toString(16)}`, `name${index}`);
      minted.check();
      minted.begin();
    }
    assert.ok(limiter.size <= 300, `${limiter.size} keys`);
    assert.throws(() => passwordAttempt(limiter, "10.0.9.9", "dave").check(), rateLimited, "the per-user count is kept");
    assert.throws(() => passwordAttempt(limiter, "10.0.0.3", "dave").check(), rateLimited, "the blocked pair is kept");
  });
});
