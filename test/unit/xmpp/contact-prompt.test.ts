import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { makeAddress } from "../../../src/core/model/address.js";
import { promptToAddress } from "../../../src/adapters/xmpp/contact-prompt.js";

const badAddress = (error: unknown): boolean => error instanceof GatewayError && error.code === "GW_ERR_BAD_ADDRESS";

describe("contact prompts (XEP-0100 jabber:iq:gateway)", () => {
  it("reads nick%network as an IRC nick, the last % separating them", () => {
    assert.deepEqual(promptToAddress("bob%libera"), makeAddress("irc", "libera", "bob"));
    assert.deepEqual(promptToAddress("[m]x\\y|z^%oftc"), makeAddress("irc", "oftc", "[m]x\\y|z^"));
    assert.deepEqual(promptToAddress("a%b%libera"), makeAddress("irc", "libera", "a%b"));
  });

  it("reads an address as itself, and anything else as a native user's name in lower case, trimmed", () => {
    assert.deepEqual(promptToAddress("irc://libera/bob"), makeAddress("irc", "libera", "bob"));
    assert.deepEqual(promptToAddress("native:alice"), makeAddress("native", "default", "alice"));
    assert.deepEqual(promptToAddress("  Alice \n"), makeAddress("native", "default", "alice"));
  });

  it("refuses nothing, a nick missing before %, a channel, and a JID (XMPP users are their own JIDs)", () => {
    assert.throws(() => promptToAddress(" "), badAddress);
    assert.throws(() => promptToAddress("%libera"), badAddress);
    assert.throws(() => promptToAddress("irc://libera/%23dev"), badAddress);
    assert.throws(() => promptToAddress("xmpp:juliet@example.org"), badAddress);
    assert.throws(() => promptToAddress("juliet@example.org"), badAddress);
  });
});
