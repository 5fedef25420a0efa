/**
 * A block of an XMPP user (core/blocklist.ts) against a real Prosody, through alice's linked XMPP account: eve, whom
 * alice blocked by her JID (`xmpp:eve@localhost`), writes to alicex@localhost, and alice's native sessions are shown
 * nothing of it, while romeo's message, written after it, arrives (alice's server delivers eve's to her other clients
 * as it does: the block is the gateway's, not her server's).
 */
import assert from "node:assert/strict";
import { useLinkedAccount } from "../helpers/linked-account-suite.js";

const TIMEOUT = 15_000;

describe("block lists through a linked XMPP account", function () {
  const suite = useLinkedAccount({ users: ["eve", "romeo"] });

  it("shows alice nothing of a blocked JID's chat to her own account, and another's after it", async function () {
    const alice = suite.alice();
    const eve = await suite.xmpp("eve");
    const romeo = await suite.xmpp("romeo");
    // Available, so that Prosody delivers their chats at once rather than keeping them offline.
    await Promise.all([eve.sendPresence(), romeo.sendPresence()]);
    const blocked = await alice.ok({ type: "contact.block", address: "xmpp:Eve@localhost/phone" });
    assert.equal(blocked["address"], "xmpp:eve@localhost");

    await eve.sendMessage("alicex@localhost", "it's eve");
    // Eve's next message reaches romeo after her first reached alicex: Prosody routes one session's stanzas in order.
    await eve.sendMessage("romeo@localhost", "your turn");
    await romeo.waitForMessage("eve@localhost", () => true, TIMEOUT);
    await romeo.sendMessage("alicex@localhost", "romeo here");
    const got = (await alice.waitForType("message", () => true, TIMEOUT))["message"] as Record<string, unknown>;
    assert.deepEqual([got["from"], got["body"]], ["xmpp://u.alice/romeo@localhost", "romeo here"]);
    assert.deepEqual(alice.pending("message"), [], "nothing from eve");
  });
});
