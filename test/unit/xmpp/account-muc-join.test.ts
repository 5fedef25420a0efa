import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { isMucJid, markedMucPrivate, mucJoinPresence, mucJoinRefusal } from "../../../src/adapters/xmpp/account-muc-join.js";

describe("a linked account's MUC join (account-muc-join.ts)", function () {
  it("asks for no history, and gives the password only when there is one", function () {
    assert.equal(mucJoinPresence("talk@conference.example.org", "alice", undefined).toString(), '<presence to="talk@conference.example.org/alice"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="0"/></x></presence>');
    assert.equal(
      mucJoinPresence("talk@conference.example.org", "alice", "s&cret").toString(),
      '<presence to="talk@conference.example.org/alice"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="0"/><password>s&amp;cret</password></x></presence>',
    );
  });

  it("marks a private message to an occupant with an empty muc#user x (XEP-0045 7.5)", function () {
    const chat = xml("message", { to: "talk@conference.example.org/Juliet", type: "chat" }, xml("body", {}, "psst"));
    assert.equal(markedMucPrivate(chat).toString(), '<message to="talk@conference.example.org/Juliet" type="chat"><body>psst</body><x xmlns="http://jabber.org/protocol/muc#user"/></message>');
  });

  it("answers each refusal of the MUC with its code", function () {
    const codes = Object.fromEntries(
      ["not-authorized", "conflict", "registration-required", "forbidden", "item-not-found", "remote-server-not-found", "service-unavailable", "jid-malformed"].map((condition) => [condition, mucJoinRefusal(condition, "talk@x").code]),
    );
    assert.deepEqual(codes, {
      "not-authorized": "GW_ERR_KEY_NEEDED",
      conflict: "GW_ERR_NICK_IN_USE",
      "registration-required": "GW_ERR_FORBIDDEN",
      forbidden: "GW_ERR_FORBIDDEN",
      "item-not-found": "GW_ERR_NOT_FOUND",
      "remote-server-not-found": "GW_ERR_NOT_FOUND",
      "service-unavailable": "GW_ERR_UNAVAILABLE",
      "jid-malformed": "GW_ERR_UNAVAILABLE",
    });
  });

  it("takes only a room's bare JID", function () {
    assert.deepEqual(["talk@conference.example.org", "talk@conference.example.org/nick", "conference.example.org", "a b@c"].map(isMucJid), [true, false, false, false]);
  });
});
