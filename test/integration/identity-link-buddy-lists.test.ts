/**
 * Another user's buddy list kept in step with an identity link, against a real Prosody: alice links her XMPP account,
 * and carol, whose list holds both alice and that JID, sees the two entries become one at once (`contact.removed`,
 * then the merged `contact`) in every open session, and split again when alice unlinks it.
 */
import assert from "node:assert/strict";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";

const CODE = /([A-Z2-9]{4}-[A-Z2-9]{4})/;

describe("an identity link shown in other users' buddy lists", function () {
  const suite = useNetworks({ ircServer: "none" });

  it("pushes the merged entry at a link and the split entries at an unlink to each session of a user who lists both", async function () {
    const alice = await suite.native("alice");
    const juliet = await suite.xmppUser("juliet");
    const carol = await suite.native("carol");
    const carolAgain = await suite.nativeAs(suite.nameOf(carol));
    const aliceAddress = `native:${suite.nameOf(alice)}`;
    const julietAddress = `xmpp:${juliet.bareJid}`;
    for (const address of [aliceAddress, julietAddress]) {
      await carol.ok({ type: "contact.add", address });
      for (const session of [carol, carolAgain]) await session.waitForType("contact", (frame) => contactOf(frame)["address"] === address);
    }

    await alice.ok({ type: "identity.link", address: julietAddress });
    const invitation = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === suite.prosody().componentDomain && CODE.test(stanza.getChildText("body") ?? ""), 10_000);
    await juliet.sendMessage(suite.prosody().componentDomain, CODE.exec(invitation.getChildText("body") ?? "")?.[1] ?? "");
    await alice.waitForType("identity.linked", (frame) => frame["linked"] === true, 10_000);
    for (const session of [carol, carolAgain]) {
      await session.waitForType("contact.removed", (frame) => frame["address"] === julietAddress, 10_000);
      const merged = contactOf(await session.waitForType("contact", (frame) => contactOf(frame)["address"] === aliceAddress, 10_000));
      assert.deepEqual(merged["accounts"], [julietAddress]);
    }
    const listed = (await carol.ok({ type: "contact.list" }))["contacts"] as Frame[];
    assert.deepEqual(listed.map((entry) => [entry["address"], entry["accounts"]]), [[aliceAddress, [julietAddress]]], "as contact.list shows it");

    await alice.ok({ type: "identity.unlink", address: julietAddress });
    for (const session of [carol, carolAgain]) {
      const split = contactOf(await session.waitForType("contact", (frame) => contactOf(frame)["address"] === aliceAddress, 10_000));
      assert.equal(split["accounts"], undefined);
      await session.waitForType("contact", (frame) => contactOf(frame)["address"] === julietAddress, 10_000);
    }
    assert.deepEqual(pendingListPushes(carol), [], "one push per entry");
  });
});

function contactOf(frame: Frame): Frame {
  return (frame["contact"] ?? {}) as Frame;
}

/** Buddy-list pushes left untaken. */
function pendingListPushes(session: NativeClient): Frame[] {
  return [...session.pending("contact"), ...session.pending("contact.removed")];
}
