/**
 * A block of an XMPP user (core/blocklist.ts) against a real Prosody, through alice's linked XMPP account: eve, whom
 * alice blocked by her JID (`xmpp:eve@localhost`), writes to alicex@localhost, and alice's native sessions are shown
 * nothing of it, while romeo's message, written after it, arrives (alice's server delivers eve's to her other clients
 * as it does: the block is the gateway's); nor does bob, a blocked native user, through her JID. Her server, which offers XEP-0191 (Prosody's mod_blocklist), is given the
 * block and the unblock too: her phone reads them in its block list.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { componentYaml } from "../helpers/config-yaml.js";
import { ALICEX_PASSWORD, useLinkedAccount } from "../helpers/linked-account-suite.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const TIMEOUT = 15_000;

describe("block lists through a linked XMPP account", function () {
  const suite = useLinkedAccount({ users: ["eve", "romeo"], xmppYaml: (prosody) => componentYaml(prosody) });

  it("shows alice nothing of a blocked JID's chat to her own account, and another's after it", async function () {
    const alice = suite.alice();
    const eve = await suite.xmpp("eve");
    const romeo = await suite.xmpp("romeo");
    // Available, so that Prosody delivers their chats at once rather than keeping them offline.
    await Promise.all([eve.sendPresence(), romeo.sendPresence()]);
    const blocked = await alice.ok({ type: "contact.block", address: "xmpp:Eve@localhost" });
    assert.equal(blocked["address"], "xmpp:eve@localhost");
    // Her server keeps the block too (below): her phone takes it off there, so that only the gateway's holds here.
    const phone = await XmppTestClient.connect(suite.prosody(), "alicex", ALICEX_PASSWORD, "phone");
    await phone.iq(xml("iq", { type: "set" }, xml("unblock", { xmlns: "urn:xmpp:blocking" }, xml("item", { jid: "eve@localhost" }))));
    await phone.stop();

    await eve.sendMessage("alicex@localhost", "it's eve");
    // Eve's next message reaches romeo after her first reached alicex: Prosody routes one session's stanzas in order.
    await eve.sendMessage("romeo@localhost", "your turn");
    await romeo.waitForMessage("eve@localhost", () => true, TIMEOUT);
    await romeo.sendMessage("alicex@localhost", "romeo here");
    const got = (await alice.waitForType("message", () => true, TIMEOUT))["message"] as Record<string, unknown>;
    assert.deepEqual([got["from"], got["body"]], ["xmpp://u.alice/romeo@localhost", "romeo here"]);
    assert.deepEqual(alice.pending("message"), [], "nothing from eve");
  });

  it("shows alice nothing of a blocked native user's chat to her own account's JID, from his JID of the gateway's domain", async function () {
    const alice = suite.alice();
    const bob = await suite.native("bobn", { register: true });
    const romeo = await suite.xmpp("romeo");
    await romeo.sendPresence();
    await alice.ok({ type: "contact.block", address: "native:bobn" });

    await bob.ok({ type: "message.send", to: "xmpp:alicex@localhost", body: "it's bob, through your JID" });
    // The component writes bob's next chat after the first: once romeo has it, Prosody routed the first to alicex.
    await bob.ok({ type: "message.send", to: "xmpp:romeo@localhost", body: "your turn" });
    await romeo.waitForMessage(`bobn@${suite.prosody().componentDomain}`, () => true, TIMEOUT);
    await romeo.sendMessage("alicex@localhost", "romeo again");
    const got = (await alice.waitForType("message", () => true, TIMEOUT))["message"] as Record<string, unknown>;
    assert.deepEqual([got["from"], got["body"]], ["xmpp://u.alice/romeo@localhost", "romeo again"]);
    assert.deepEqual(alice.pending("message"), [], "nothing from bob");
  });

  it("refuses her own linked account's JID, bare or with a resource, as a block of herself", async function () {
    const alice = suite.alice();
    for (const address of ["xmpp:AliceX@localhost", "xmpp:alicex@localhost/phone"]) {
      const refused = await alice.request({ type: "contact.block", address });
      assert.deepEqual([refused["type"], refused["code"], refused["message"]], ["error", "GW_ERR_BAD_ADDRESS", "you cannot block yourself"], address);
    }
    const listed = (await alice.ok({ type: "contact.blocked" }))["blocked"] as unknown[];
    assert.ok(!listed.some((address) => String(address).startsWith("xmpp:alicex@")), "not kept");
  });

  it("keeps a block of a JID on her own server's block list, and takes it off at the unblock", async function () {
    const alice = suite.alice();
    const phone = await XmppTestClient.connect(suite.prosody(), "alicex", ALICEX_PASSWORD, "phone");
    const blockList = async (): Promise<string[]> => {
      const answer = await phone.iq(xml("iq", { type: "get" }, xml("blocklist", { xmlns: "urn:xmpp:blocking" })));
      return (answer.getChild("blocklist", "urn:xmpp:blocking")?.getChildren("item") ?? []).map((item) => String(item.attrs["jid"]));
    };
    try {
      await alice.ok({ type: "contact.block", address: "xmpp:mallory@localhost" });
      assert.ok((await blockList()).includes("mallory@localhost"));
      await alice.ok({ type: "contact.unblock", address: "xmpp:mallory@localhost" });
      assert.ok(!(await blockList()).includes("mallory@localhost"));
    } finally {
      await phone.stop();
    }
  });

  it("gives her server the JID blocks she made while no account was linked, when she links one", async function () {
    const alice = suite.alice();
    const phone = await XmppTestClient.connect(suite.prosody(), "alicex", ALICEX_PASSWORD, "phone");
    try {
      // Asking for the list makes the phone a resource her server tells of changes to it (XEP-0191 section 3.3).
      const before = await phone.iq(xml("iq", { type: "get" }, xml("blocklist", { xmlns: "urn:xmpp:blocking" })));
      assert.ok(!(before.getChild("blocklist", "urn:xmpp:blocking")?.getChildren("item") ?? []).some((item) => item.attrs["jid"] === "trent@localhost"));
      await alice.ok({ type: "xmpp.unlink" });
      await alice.ok({ type: "contact.block", address: "xmpp:trent@localhost" });
      await alice.ok({ type: "xmpp.link", jid: "alicex@localhost", password: ALICEX_PASSWORD, service: suite.service() }, TIMEOUT);
      // Her other blocks of JIDs (eve, from the tests before) are given too: one push each.
      const blocks = (stanza: Element): unknown[] => (stanza.is("iq") && stanza.attrs["type"] === "set" ? (stanza.getChild("block", "urn:xmpp:blocking")?.getChildren("item") ?? []).map((item) => item.attrs["jid"]) : []);
      await phone.waitFor((stanza) => blocks(stanza).includes("trent@localhost"), TIMEOUT, "her server's push of the block");
      const after = await phone.iq(xml("iq", { type: "get" }, xml("blocklist", { xmlns: "urn:xmpp:blocking" })));
      assert.ok((after.getChild("blocklist", "urn:xmpp:blocking")?.getChildren("item") ?? []).some((item) => item.attrs["jid"] === "trent@localhost"));
    } finally {
      await phone.stop();
    }
  });
});
