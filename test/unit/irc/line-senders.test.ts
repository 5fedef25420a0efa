import assert from "node:assert/strict";
import { LineSenders, parseUserhostReply, samePerson } from "../../../src/adapters/irc/line-senders.js";

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

  it("remembers no sender without user@host, nor lines it never accepted", function () {
    const senders = new LineSenders();
    assert.equal(senders.said({ nick: "ann", server: false }), undefined);
    assert.equal(senders.senderOf("unknown"), undefined);
  });
});
