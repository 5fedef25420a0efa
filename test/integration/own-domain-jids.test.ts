/**
 * Frames of a native user to addresses that take no such frame, refused at once against a real Prosody and ngIRCd:
 * a JID of the gateway's own XMPP domain that is only the XMPP face of a native or IRC user (sent out, it would come
 * back through Prosody to the gateway as from an XMPP user named after the sender's own gateway JID), and rooms, which
 * have no typing notifications. message.send's refusal of the same JIDs: xmpp-component.test.ts.
 */
import assert from "node:assert/strict";
import { NETWORK, useNetworks } from "../helpers/network-suite.js";

describe("frames to the gateway's own XMPP JIDs of people, and typing to rooms", function () {
  const suite = useNetworks({ ircYaml: ["channels:", '  - channel: "#conf"', "    room: conf"] });
  const domain = (): string => suite.prosody().componentDomain;

  it("refuses typing, contact.add, presence.subscribe and presence.approve of a person's JID of the gateway's domain, naming the address to use", async function () {
    const alice = await suite.native("face");
    const romeo = await suite.native("selfie");
    const aliceName = suite.nameOf(alice);
    const faces = [
      [`xmpp:${aliceName}@${domain()}`, `native:${aliceName}`],
      [`xmpp:bob%25${NETWORK}@${domain()}`, `irc://${NETWORK}/bob`],
    ] as const;
    for (const [address, meant] of faces) {
      for (const frame of [
        { type: "typing", to: address, state: "composing" },
        { type: "contact.add", address },
        { type: "presence.subscribe", address },
        { type: "presence.approve", address },
      ]) {
        const refused = await romeo.request(frame);
        assert.equal(refused["code"], "GW_ERR_BAD_ADDRESS", `${frame.type} ${address}: ${JSON.stringify(refused)}`);
        assert.ok(String(refused["message"]).endsWith(`write to ${meant}`), String(refused["message"]));
      }
    }
    assert.deepEqual((await romeo.ok({ type: "contact.list" }))["contacts"], [], "nothing was added");
    // What only ends a subscription is taken: it clears an entry such an address left from before.
    await romeo.ok({ type: "presence.deny", address: faces[0][0] });
    await romeo.ok({ type: "presence.unsubscribe", address: faces[0][0] });
  });

  it("refuses typing to a room: a bridged IRC channel, and a room JID of the gateway's domain", async function () {
    const romeo = await suite.native("typist");
    for (const room of [`irc://${NETWORK}/%23conf`, `xmpp:%23conf@${domain()}`, `xmpp:%23conf%25${NETWORK}@${domain()}`]) {
      const refused = await romeo.request({ type: "typing", to: room, state: "composing" });
      assert.equal(refused["code"], "GW_ERR_BAD_ADDRESS", `${room}: ${JSON.stringify(refused)}`);
      assert.match(String(refused["message"]), /is a room, not a person/);
    }
  });
});
