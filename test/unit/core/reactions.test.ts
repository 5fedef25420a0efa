/**
 * Reactions (core/model/reactions.ts): what counts as one (one emoji grapheme cluster, as XEP-0444 wants), the checks
 * of a client's set and of a network's, what a set adds to the one before, and the action line a network without
 * reactions (IRC, a bridge bot's MUC) is given instead.
 */
import assert from "node:assert/strict";
import { makeAddress } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { addedReactions, isReaction, MAX_REACTIONS, reactionAsAction, reactionFallback, reactionsProblem, validReactions } from "../../../src/core/model/reactions.js";

describe("a reaction", () => {
  it("is one emoji: a plain one, with a variation selector, a skin tone, a ZWJ family, a flag or a keycap", () => {
    for (const emoji of ["👍", "❤️", "👍🏽", "👩‍👩‍👧‍👦", "🇫🇷", "1️⃣", "🏳️‍🌈"]) assert.ok(isReaction(emoji), emoji);
  });

  it("is not text, two emoji, an emoji with words, an empty string nor control characters", () => {
    for (const text of ["ok", "+1", "👍👍", "👍 yes", "", " ", "👍\n", "\u0000", "a\u20e3b"]) assert.ok(!isReaction(text), JSON.stringify(text));
  });

  it("is refused from a client when one of the set is no emoji, or the set is too long; an empty set is fine", () => {
    assert.equal(reactionsProblem([]), undefined);
    assert.equal(reactionsProblem(["👍", "🎉"]), undefined);
    assert.match(reactionsProblem(["👍", "lol"]) ?? "", /"lol" is not one/);
    assert.match(reactionsProblem(Array.from({ length: MAX_REACTIONS + 1 }, () => "👍")) ?? "", /at most 20/);
  });

  it("keeps of a network's set the emoji only, each once, at most 20", () => {
    assert.deepEqual(validReactions(["👍", "lol", "👍", "🎉"]), ["👍", "🎉"]);
    assert.equal(validReactions(Array.from({ length: 30 }, (_, index) => String.fromCodePoint(0x1f600 + index))).length, MAX_REACTIONS);
  });

  it("adds what the set before lacked, nothing for a removal", () => {
    assert.deepEqual(addedReactions(["👍"], ["👍", "🎉"]), ["🎉"]);
    assert.deepEqual(addedReactions(["👍", "🎉"], ["👍"]), []);
    assert.deepEqual(addedReactions([], ["👍"]), ["👍"]);
  });
});

describe("a reaction's fallback text", () => {
  it("names what was added, whose line and its first words, cut as a reply's quote", () => {
    assert.equal(reactionFallback(["👍"], { id: "1", senderName: "bob", excerpt: "first line\nsecond" }), 'reacted 👍 to bob: "first line"');
    const long = "x".repeat(80);
    assert.equal(reactionFallback(["👍", "🎉"], { id: "1", senderName: "bob", excerpt: long }), `reacted 👍 🎉 to bob: "${"x".repeat(59)}…"`);
  });

  it("says nothing for a removal, and makes do without the name or the words", () => {
    assert.equal(reactionFallback([], { id: "1", senderName: "bob", excerpt: "hi" }), undefined);
    assert.equal(reactionFallback(["👍"], { id: "1", senderName: "bob" }), "reacted 👍 to bob");
    assert.equal(reactionFallback(["👍"], { id: "1", excerpt: "hi" }), 'reacted 👍 to "hi"');
    assert.equal(reactionFallback(["👍"], { id: "1", senderName: "b\u0003o\nb", excerpt: "hi" }), 'reacted 👍 to b o b: "hi"');
  });

  it("becomes the sender's action, without the reaction's fields, only when something was added", () => {
    const base: Message = {
      id: "2",
      origin: { protocol: "native", account: "default" },
      hops: [],
      scope: "room",
      kind: "text",
      from: makeAddress("native", "default", "alice"),
      to: makeAddress("native", "default", "#lobby"),
      senderName: "alice",
      body: "",
      timestamp: 0,
      reactsTo: { id: "1", senderName: "bob", excerpt: "lunch?", added: ["🍕"] },
      reactions: ["👍", "🍕"],
    };
    const action = reactionAsAction(base);
    assert.deepEqual([action?.kind, action?.body, action?.reactsTo, action?.reactions], ["action", 'reacted 🍕 to bob: "lunch?"', undefined, undefined]);
    assert.equal(reactionAsAction({ ...base, reactsTo: { id: "1", added: [] }, reactions: [] }), undefined);
    const { reactsTo: _none, ...plain } = base;
    assert.equal(reactionAsAction(plain), undefined);
  });
});
