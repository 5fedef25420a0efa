import assert from "node:assert/strict";
import { hasUnsafeCharacters } from "../../../src/core/model/text.js";

describe("text every network carries (core/model/text.ts)", () => {
  it("finds C0 and C1 controls, DEL, U+FFFE, U+FFFF and lone surrogates", () => {
    for (const bad of ["a\u0000", "tab\there", "line\nbreak", "\u007f", "next\u0085line", "\ufffe", "x\uffff", "\ud800", "lone \udc00 low"]) {
      assert.equal(hasUnsafeCharacters(bad), true, JSON.stringify(bad));
    }
  });

  it("takes any other text, emoji (surrogate pairs) and accents included", () => {
    for (const good of ["Juliet", "🦊 fox", "Grüße, 世界", "a/b@c", "\ufdd0"]) assert.equal(hasUnsafeCharacters(good), false, JSON.stringify(good));
  });
});
