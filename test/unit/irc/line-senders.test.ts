import assert from "node:assert/strict";
import { IrcPerson, isSender, LineSenders, parseUserhostReply, samePerson } from "../../../src/adapters/irc/line-senders.js";

describe("IRC line senders (failure reports)", function () {
  it("parses RPL_USERHOST entries, operators' and away ones included", function () {
    assert.deepEqual(parseUserhostReply("ann=+~ann@127.0.0.1 Op*=-op@Host.Example bad"), [
      { nick: "ann", user: "~ann", host: "127.0.0.1" },
      { nick: "Op", user: "op", host: "Host.Example" },
    ]);
    assert.deepEqual(parseUserhostReply(""), []);
  });

  it("follows a sender through NICK, and tells them from whoever takes their nick", function () {
    const senders = new LineSenders();
    const ann = senders.said({ nick: "Ann", user: "~ann", host: "a.example", server: false });
    assert.ok(ann);
    senders.accepted("m1", ann);
    senders.renamed("ann", "Ann2");
    assert.equal(senders.senderOf("m1")?.nick, "Ann2");
    const bea = senders.said({ nick: "Ann", user: "~bea", host: "b.example", server: false });
    assert.ok(bea);
    senders.accepted("m2", bea);
    assert.equal(senders.senderOf("m1")?.nick, "Ann2", "Bea under Ann's old nick is someone else");
    assert.equal(samePerson(ann, { nick: "Ann", user: "~bea", host: "b.example" }), false);
    assert.equal(samePerson(ann, { nick: "Ann2", user: "~ann", host: "A.Example" }), true);
  });

  it("follows every line a sender said under a nick through her NICK, whatever account each line carried", function () {
    const senders = new LineSenders();
    const ann = { nick: "ann", user: "~ann", host: "a.example", server: false };
    const tagged = senders.said(ann, "annacct");
    assert.ok(tagged);
    senders.accepted("m1", tagged);
    // She logged out (or in to another account) and said another line, then changed nick.
    const untagged = senders.said(ann);
    assert.ok(untagged);
    senders.accepted("m2", untagged);
    senders.renamed("ann", "ann2");
    assert.equal(senders.senderOf("m1")?.nick, "ann2", "the line tagged with her account follows her too");
    assert.equal(senders.senderOf("m1")?.account, "annacct", "each line keeps the account it carried");
    assert.equal(senders.senderOf("m2")?.nick, "ann2");
    assert.equal(senders.senderOf("m2")?.account, undefined);
  });

  it("stops following a sender who quit: whoever takes her nick and changes it does not carry her lines away", function () {
    const senders = new LineSenders();
    const ann = senders.said({ nick: "ann", user: "~ann", host: "a.example", server: false }, "annacct");
    assert.ok(ann);
    senders.accepted("m1", ann);
    senders.quit("ann");
    senders.renamed("ann", "bea");
    assert.equal(senders.senderOf("m1")?.nick, "ann", "the line keeps the nick she had when she quit");
    // Back from the same user@host, she says a line under it: followed again, her earlier line with her.
    const back = senders.said({ nick: "ann", user: "~ann", host: "a.example", server: false }, "annacct");
    assert.ok(back);
    senders.renamed("ann", "ann2");
    assert.equal(senders.senderOf("m1")?.nick, "ann2");
  });

  it("decides by the services account a line carried, when it carried one; by user@host otherwise", function () {
    const at = { nick: "ann", user: "~ann", host: "a.example", gone: false };
    const tagged = new IrcPerson(at, "annacct");
    const sameHost = { nick: "ann", user: "~ann", host: "A.example" };
    const otherHost = { nick: "ann", user: "~phone", host: "p.example" };
    assert.equal(isSender(tagged, sameHost, "annacct"), true);
    assert.equal(isSender(tagged, otherHost, "annacct"), true, "her account from another client");
    assert.equal(isSender(tagged, sameHost, "beaacct"), false, "the same user@host logged in to another account");
    assert.equal(isSender(tagged, sameHost, undefined), false, "the same user@host logged in to no account");
    const untagged = new IrcPerson(at, undefined);
    assert.equal(isSender(untagged, sameHost, undefined), true);
    assert.equal(isSender(untagged, otherHost, "annacct"), false, "without an account known, user@host decides");
  });

  it("remembers no sender without user@host, nor lines it never accepted", function () {
    const senders = new LineSenders();
    assert.equal(senders.said({ nick: "ann", server: false }), undefined);
    assert.equal(senders.senderOf("unknown"), undefined);
  });
});
