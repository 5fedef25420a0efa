import assert from "node:assert/strict";
import { isOthersChannelChatter } from "../../../src/adapters/irc/channel-chatter.js";

describe("isOthersChannelChatter (channel lines a puppet drops unread)", () => {
  it("recognises someone else's PRIVMSG and NOTICE to a channel, with or without tags and a full source", () => {
    assert.equal(isOthersChannelChatter(":bob!b@host PRIVMSG #dev :hello", "alice[sb]"), true);
    assert.equal(isOthersChannelChatter(":bob NOTICE &local :hi", "alice[sb]"), true);
    assert.equal(isOthersChannelChatter("@time=2026-12-04T10:00:00.000Z;msgid=x :bob!b@h PRIVMSG #dev :\u0001ACTION waves\u0001", "alice[sb]"), true);
    assert.equal(isOthersChannelChatter(":bob!b@h privmsg +modeless :lower-case command", "alice[sb]"), true);
  });

  it("keeps the puppet's own lines (echo-message confirmations), in any ASCII case", () => {
    assert.equal(isOthersChannelChatter(":Alice[sb]!a@h PRIVMSG #dev :my own", "alice[sb]"), false);
    assert.equal(isOthersChannelChatter("@msgid=1 :alice[SB] NOTICE #dev :mine too", "Alice[sb]"), false);
  });

  it("keeps queries, other commands, server lines and anything it cannot read", () => {
    assert.equal(isOthersChannelChatter(":bob!b@h PRIVMSG alice[sb] :a query", "alice[sb]"), false);
    assert.equal(isOthersChannelChatter(":bob!b@h JOIN #dev", "alice[sb]"), false);
    assert.equal(isOthersChannelChatter(":bob!b@h KICK #dev alice[sb] :out", "alice[sb]"), false);
    assert.equal(isOthersChannelChatter("PING :irc.example.org", "alice[sb]"), false);
    assert.equal(isOthersChannelChatter(":irc.example.org 404 alice[sb] #dev :Cannot send to channel", "alice[sb]"), false);
    assert.equal(isOthersChannelChatter(":bob!b@h PRIVMSG", "alice[sb]"), false);
    assert.equal(isOthersChannelChatter("@tags-without-end", "alice[sb]"), false);
    assert.equal(isOthersChannelChatter(":bob!b@h PRIVMSG  ", "alice[sb]"), false);
  });
});
