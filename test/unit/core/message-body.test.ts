import assert from "node:assert/strict";
import { bodyTooLong, MAX_BODY_LENGTH } from "../../../src/core/model/message.js";

describe("bodyTooLong (the body limit, in characters)", () => {
  it("counts an emoji (two UTF-16 units) as one character", () => {
    assert.equal(bodyTooLong("😀".repeat(MAX_BODY_LENGTH)), false);
    assert.equal(bodyTooLong(`${"😀".repeat(MAX_BODY_LENGTH)}!`), true);
  });

  it("takes exactly MAX_BODY_LENGTH plain characters and refuses one more", () => {
    assert.equal(bodyTooLong("x".repeat(MAX_BODY_LENGTH)), false);
    assert.equal(bodyTooLong("x".repeat(MAX_BODY_LENGTH + 1)), true);
  });

  it("counts a lone surrogate as one character, as a mix of both kinds", () => {
    assert.equal(bodyTooLong(`\ud800${"😀".repeat(MAX_BODY_LENGTH - 1)}`), false);
    assert.equal(bodyTooLong(`\udc00\ud800${"😀".repeat(MAX_BODY_LENGTH - 1)}`), true);
  });
});
