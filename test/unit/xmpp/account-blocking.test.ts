/** XEP-0191 for a linked account (adapters/xmpp/account-blocking.ts): the feature read from disco#info, the iqs built. */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { blockingIq, offersBlocking } from "../../../src/adapters/xmpp/account-blocking.js";

const DISCO = "http://jabber.org/protocol/disco#info";

describe("account blocking (XEP-0191)", () => {
  it("finds urn:xmpp:blocking among a server's features, and only there", () => {
    const features = (...vars: string[]): ReturnType<typeof xml> => xml("iq", { type: "result" }, xml("query", { xmlns: DISCO }, ...vars.map((name) => xml("feature", { var: name }))));
    assert.equal(offersBlocking(features("urn:xmpp:carbons:2", "urn:xmpp:blocking")), true);
    assert.equal(offersBlocking(features("urn:xmpp:carbons:2")), false);
    assert.equal(offersBlocking(xml("iq", { type: "result" })), false);
  });

  it("blocks and unblocks one bare JID with an iq set (sections 3.3, 3.4)", () => {
    assert.equal(blockingIq("eve@example.org", true).toString(), '<iq type="set"><block xmlns="urn:xmpp:blocking"><item jid="eve@example.org"/></block></iq>');
    assert.equal(blockingIq("eve@example.org", false).toString(), '<iq type="set"><unblock xmlns="urn:xmpp:blocking"><item jid="eve@example.org"/></unblock></iq>');
  });
});
