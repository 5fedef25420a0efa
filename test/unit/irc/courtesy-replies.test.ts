import assert from "node:assert/strict";
import { CourtesyReplies, REPLY_BURST, REPLY_INTERVAL_SECONDS } from "../../../src/adapters/irc/courtesy-replies.js";

describe("CourtesyReplies", () => {
  let now: number;
  let warnings: unknown[][];
  let replies: CourtesyReplies;

  beforeEach(() => {
    now = 1_000_000;
    warnings = [];
    replies = new CourtesyReplies({ warn: (...args: unknown[]) => void warnings.push(args) } as never, () => now);
  });

  /** How many of `count` questions to `connection` are answered now. */
  const answered = (connection: object, count: number): number => Array.from({ length: count }, () => replies.allow(connection, "mallory", "CTCP VERSION")).filter(Boolean).length;

  it("answers a burst at once, then one question per interval, whoever asks", () => {
    const puppet = {};
    assert.equal(answered(puppet, 40), REPLY_BURST);
    now += (REPLY_INTERVAL_SECONDS * 1000) / 2;
    assert.equal(answered(puppet, 10), 0);
    now += (REPLY_INTERVAL_SECONDS * 1000) / 2;
    assert.equal(answered(puppet, 10), 1);
  });

  it("keeps a budget per connection: one flooded does not silence another", () => {
    const flooded = {};
    const other = {};
    answered(flooded, 100);
    assert.equal(answered(other, 1), 1);
  });

  it("logs the questions it leaves unanswered once a minute, with how many went unanswered meanwhile", () => {
    const puppet = {};
    answered(puppet, REPLY_BURST + 30);
    assert.equal(warnings.length, 1);
    now += 60_000;
    answered(puppet, REPLY_BURST + 1);
    assert.equal(warnings.length, 2);
    assert.equal((warnings[1]?.[0] as { unansweredBefore: number }).unansweredBefore, 29);
  });
});
