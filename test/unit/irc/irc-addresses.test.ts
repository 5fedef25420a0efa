import assert from "node:assert/strict";
import { formatAddress, makeAddress } from "../../../src/core/model/address.js";
import { ircAddress, isChannelId, nativeRoom, personName } from "../../../src/adapters/irc/irc-addresses.js";

describe("IRC addresses", () => {
  it("ircAddress keeps nicks and channels in ASCII lower case", () => {
    assert.deepEqual(ircAddress("libera", "Bob"), { protocol: "irc", account: "libera", id: "bob" });
    assert.deepEqual(ircAddress("libera", "#Dev"), { protocol: "irc", account: "libera", id: "#dev" });
    assert.equal(formatAddress(ircAddress("libera", "#Dev")), "irc://libera/%23dev");
    assert.deepEqual(ircAddress("libera", "Bob"), ircAddress("libera", "BOB"));
    assert.deepEqual(ircAddress("libera", "nick[A]").id, "nick[a]");
    assert.notDeepEqual(ircAddress("libera", "nick[a]"), ircAddress("libera", "nick{a}"), "ASCII folding, not RFC 1459's");
  });

  it("ircAddress refuses what is no address", () => {
    assert.throws(() => ircAddress("libera", ""), { code: "GW_ERR_BAD_ADDRESS" });
    assert.throws(() => ircAddress("not a network", "bob"), { code: "GW_ERR_BAD_ADDRESS" });
  });

  it("isChannelId tells channels from nicks by the channel prefixes", () => {
    assert.equal(isChannelId("#dev"), true);
    assert.equal(isChannelId("&local"), true);
    assert.equal(isChannelId("bob"), false);
    assert.equal(isChannelId("#"), false, "a prefix alone is no channel");
    assert.equal(isChannelId(""), false);
    assert.equal(isChannelId("+modeless"), false);
    assert.equal(isChannelId("+modeless", "#+"), true, "the server's CHANTYPES");
    assert.equal(isChannelId("&local", "#"), false);
  });

  it("nativeRoom is the native room a channel is bridged to, in lower case", () => {
    assert.deepEqual(nativeRoom("Dev"), { protocol: "native", account: "default", id: "#dev" });
    assert.equal(formatAddress(nativeRoom("dev")), "native:%23dev");
  });

  it("personName is a native user name, an XMPP address's local part, a MUC occupant's nick, or a nick", () => {
    assert.equal(personName(makeAddress("native", "default", "alice")), "alice");
    assert.equal(personName(makeAddress("xmpp", "component", "carol@example.org")), "carol");
    assert.equal(personName(makeAddress("xmpp", "bridgebot", "dev@conference.example.org/Carol")), "Carol", "people are bare JIDs: a full JID is a MUC occupant");
    assert.equal(personName(makeAddress("xmpp", "component", "example.org")), "example.org", "a JID without a local part");
    assert.equal(personName(makeAddress("xmpp", "component", "@example.org")), "@example.org", "never an empty name");
    assert.equal(personName(ircAddress("libera", "Bob")), "bob");
    assert.equal(personName(makeAddress("native", "default", "dave@home")), "dave@home", "only XMPP addresses are split at @");
  });
});
