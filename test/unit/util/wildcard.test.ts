import assert from "node:assert/strict";
import { wildcardPattern } from "../../../src/util/wildcard.js";

describe("wildcardPattern (* and ? patterns)", () => {
  it("matches a whole text, * any run, ? one character, in any case", () => {
    assert.equal(wildcardPattern("xmpp:*@example.org").test("xmpp:Juliet@EXAMPLE.org"), true);
    assert.equal(wildcardPattern("xmpp:*@example.org").test("xmpp:juliet@example.org.evil"), false, "anchored at the end");
    assert.equal(wildcardPattern("native:*").test("xmpp:native:x"), false, "anchored at the start");
    assert.equal(wildcardPattern("bot?").test("bot1"), true);
    assert.equal(wildcardPattern("bot?").test("bot12"), false);
  });

  it("takes every other character literally", () => {
    assert.equal(wildcardPattern("a.b+(c)").test("a.b+(c)"), true);
    assert.equal(wildcardPattern("a.b").test("axb"), false);
  });
});
