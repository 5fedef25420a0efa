/** core/heard-avatars.ts: another network's person's avatar hash as last heard, a change announced once. */
import assert from "node:assert/strict";
import { HeardAvatars } from "../../../src/core/heard-avatars.js";
import { makeAddress, type Address } from "../../../src/core/model/address.js";

const juliet = makeAddress("xmpp", "default", "juliet@example.org");
const HASH = "ab".repeat(20);

describe("HeardAvatars", () => {
  it("keeps the last hash heard, announcing each change and nothing else", async () => {
    const announced: Address[] = [];
    const heard = new HeardAvatars(async (owner) => {
      announced.push(owner);
    });
    assert.equal(heard.of(juliet), undefined, "nothing heard yet");
    await heard.heard(juliet, null);
    assert.equal(announced.length, 0, "none where nothing was known is no change to tell");
    assert.equal(heard.of(juliet), null);
    await heard.heard(juliet, { hash: HASH, type: "image/png" });
    assert.deepEqual(heard.of(juliet), { hash: HASH, type: "image/png" });
    // Her XEP-0153 presence names the same hash without a type: the type heard from PEP stays, nothing to tell.
    await heard.heard(juliet, { hash: HASH });
    assert.deepEqual(heard.of(juliet), { hash: HASH, type: "image/png" });
    assert.equal(announced.length, 1);
    await heard.heard(juliet, { hash: "cd".repeat(20) });
    await heard.heard(juliet, null);
    assert.deepEqual(heard.of(juliet), null);
    assert.equal(announced.length, 3);
  });

  it("keeps a hash heard in a presence without announcing it, saying whether it changed (that presence tells it)", async () => {
    const announced: Address[] = [];
    const heard = new HeardAvatars(async (owner) => {
      announced.push(owner);
    });
    assert.equal(heard.heardInPresence(juliet, { hash: HASH }), true);
    assert.deepEqual(heard.of(juliet), { hash: HASH });
    assert.equal(heard.heardInPresence(juliet, { hash: HASH }), false, "the same hash again");
    assert.equal(heard.heardInPresence(juliet, null), true);
    assert.deepEqual(announced, [], "never re-sent apart from the presence");
  });
});
