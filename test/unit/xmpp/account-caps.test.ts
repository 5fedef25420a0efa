/** The caps and disco#info of a linked account's client session (adapters/xmpp/account-caps.ts). */
import assert from "node:assert/strict";
import { ACCOUNT_CAPS, accountDiscoInfo } from "../../../src/adapters/xmpp/account-caps.js";
import { capsVer, verificationString } from "../../../src/adapters/xmpp/entity-caps.js";

describe("the caps of a linked account's session", () => {
  it("answers disco#info for its caps' node with what hashes to the ver it announces, avatar notifications among it", () => {
    const answer = accountDiscoInfo(`${ACCOUNT_CAPS.node}#${ACCOUNT_CAPS.ver}`);
    assert.ok(answer);
    assert.equal(answer.attrs["node"], `${ACCOUNT_CAPS.node}#${ACCOUNT_CAPS.ver}`);
    const features = answer.getChildren("feature").map((feature) => String(feature.attrs["var"]));
    const identities = answer.getChildren("identity").map((identity) => ({ category: String(identity.attrs["category"]), type: String(identity.attrs["type"]), name: String(identity.attrs["name"]) }));
    assert.equal(capsVer({ identities, features }), ACCOUNT_CAPS.ver, "a server checking the hash believes it");
    assert.ok(features.includes("urn:xmpp:avatar:metadata+notify"));
    assert.ok(!features.includes("urn:xmpp:receipts"), "receipts are not answered through the account");
    assert.equal(
      verificationString({ identities, features }),
      "client/pc//Switchboard<http://jabber.org/protocol/caps<http://jabber.org/protocol/chatstates<http://jabber.org/protocol/disco#info<jabber:x:oob<" +
        "urn:xmpp:avatar:metadata+notify<urn:xmpp:message-correct:0<urn:xmpp:message-retract:1<urn:xmpp:reactions:0<urn:xmpp:reply:0<",
    );
    assert.equal(ACCOUNT_CAPS.ver, "yJoc7j/7ChtqbS9ffMpwWA8GKMc=");
  });

  it("answers disco#info without a node alike, and nothing for another node", () => {
    assert.equal(accountDiscoInfo(undefined)?.getChildren("feature").length, accountDiscoInfo(`${ACCOUNT_CAPS.node}#${ACCOUNT_CAPS.ver}`)?.getChildren("feature").length);
    assert.equal(accountDiscoInfo(`${ACCOUNT_CAPS.node}#other`), undefined);
  });
});
