import assert from "node:assert/strict";
import { NICK_NS, offerStanzas } from "../../../src/adapters/xmpp/offered-contacts.js";

const offer = { contactJid: "bob@gw.example.org", viewerJid: "juliet@example.org", name: "Bob \u0000B.", resource: "switchboard" };

describe("offered contacts (a buddy list offered to a linked JID)", () => {
  it("offers a contact with a subscription request carrying its name as a nick (XEP-0172)", () => {
    const [request, ...rest] = offerStanzas(offer, "offered");
    assert.equal(rest.length, 0);
    assert.deepEqual(request?.attrs, { from: "bob@gw.example.org", to: "juliet@example.org", type: "subscribe" });
    assert.equal(request?.getChild("nick", NICK_NS)?.text(), "Bob B.", "characters XML cannot carry are dropped");
    assert.match(request?.getChildText("status") ?? "", /Switchboard buddy list/);
  });

  it("withdraws a contact: unavailable, then both subscriptions cancelled; nothing to send when kept", () => {
    const stanzas = offerStanzas(offer, "withdrawn");
    assert.deepEqual(
      stanzas.map((stanza) => [stanza.attrs["from"], stanza.attrs["type"]]),
      [
        ["bob@gw.example.org/switchboard", "unavailable"],
        ["bob@gw.example.org", "unsubscribed"],
        ["bob@gw.example.org", "unsubscribe"],
      ],
    );
    assert.deepEqual(offerStanzas(offer, "kept"), []);
  });
});
