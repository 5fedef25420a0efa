/**
 * contact.add and contact.remove edit a linked account's real roster, against a real Prosody and the real daemon,
 * with the component running beside it: alice links alicex@localhost (through a gate, to take it offline at the
 * end) and also uses alicex from her phone, a second real client of the account. The `xmpp:` addresses she adds
 * go into alicex's roster and ask from alicex@localhost, not from the gateway's domain; romeo, a real client of
 * the contact, approves and alice sees his presence; the phone's roster edits reach her buddy list, and hers reach
 * the phone's roster. The tests run in order and build on each other.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { componentYaml } from "../helpers/config-yaml.js";
import type { Daemon } from "../helpers/daemon.js";
import { ALICEX_PASSWORD, useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import type { ProsodyServer } from "../helpers/servers.js";
import type { TcpGate } from "../helpers/tcp-gate.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const ROMEO_ADDRESS = "xmpp://u.alice/romeo@localhost";
const TYBALT_ADDRESS = "xmpp://u.alice/tybalt@localhost";
const NS_ROSTER = "jabber:iq:roster";

function contactIn(answer: Frame, address: string): Record<string, unknown> | undefined {
  return (answer["contacts"] as Record<string, unknown>[]).find((contact) => contact["address"] === address);
}

/** A roster item as a client fetching the roster sees it: name, subscription, pending request, groups. */
function itemView(item: Element): Record<string, unknown> {
  return { name: item.attrs["name"], subscription: item.attrs["subscription"], ask: item.attrs["ask"], groups: item.getChildren("group").map((group) => group.getText()) };
}

describe("contact.add and contact.remove on a linked XMPP account's roster, against Prosody", function () {
  let prosody: ProsodyServer;
  let gate: TcpGate;
  let daemon: Daemon;
  let phone: XmppTestClient;
  let romeo: XmppTestClient;
  let mercutio: XmppTestClient;
  let alice: NativeClient;
  let aliceToo: NativeClient;
  let bob: NativeClient;

  /** alicex's roster as her phone fetches it (RFC 6121 section 2.1.3), by bare JID. */
  async function phoneRoster(): Promise<Map<string, Record<string, unknown>>> {
    const answer = await phone.iq(xml("iq", { type: "get" }, xml("query", { xmlns: NS_ROSTER })));
    const items = answer.getChild("query", NS_ROSTER)?.getChildren("item") ?? [];
    return new Map(items.map((item) => [String(item.attrs["jid"]), itemView(item)]));
  }

  /**
   * Romeo writes to alicex and alice reads it: the gateway's session handled every stanza the server sent it
   * before (a roster push of the phone's edit), since the server writes them to it in order.
   */
  async function throughTheAccount(body: string): Promise<void> {
    await romeo.sendMessage("alicex@localhost", body);
    await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === body);
  }

  const suite = useLinkedAccount({
    users: ["romeo", "mercutio"],
    gated: true,
    xmppYaml: (prosody) => componentYaml(prosody),
    async beforeDaemon() {
      phone = await suite.xmpp("alicex", ALICEX_PASSWORD, "phone");
      romeo = await suite.xmpp("romeo");
      mercutio = await suite.xmpp("mercutio");
      // Fetching the roster makes a session "interested" (RFC 6121 section 2.1.6): it gets roster pushes.
      for (const client of [phone, romeo, mercutio]) await client.iq(xml("iq", { type: "get" }, xml("query", { xmlns: NS_ROSTER })));
      for (const client of [romeo, mercutio]) await client.sendPresence("chat", "wherefore");
    },
    async beforeLink() {
      aliceToo = await suite.native("alice");
      bob = await suite.native("bob", { register: true });
    },
  });

  before(function () {
    [prosody, gate, daemon, alice] = [suite.prosody(), suite.gate(), suite.daemon(), suite.alice()];
  });

  it("adds an xmpp: address to alice's own roster and asks from her own JID, not the gateway's", async function () {
    const answer = await alice.ok({ type: "contact.add", address: "xmpp:Romeo@localhost", name: "Romeo" });
    assert.deepEqual(answer["contact"], { address: ROMEO_ADDRESS, name: "Romeo", subscription: "none", pending_out: true, pending_in: false });
    const request = await romeo.waitFor((stanza) => stanza.is("presence") && stanza.attrs["type"] === "subscribe", 5000, "a subscription request");
    assert.equal(request.attrs["from"], "alicex@localhost");
    const fromGateway = romeo.transcript.filter((stanza) => String(stanza.attrs["from"]).endsWith(`@${prosody.componentDomain}`));
    assert.deepEqual(fromGateway, [], "nothing came from the gateway's domain");
    assert.deepEqual((await phoneRoster()).get("romeo@localhost"), { name: "Romeo", subscription: "none", ask: "subscribe", groups: [] });
    // Without a linked account the address is the component's, as before: an entry only, nobody asked.
    const bobs = await bob.ok({ type: "contact.add", address: "xmpp:romeo@localhost" });
    assert.deepEqual(bobs["contact"], { address: "xmpp:romeo@localhost", name: "romeo@localhost", subscription: "none", pending_out: false, pending_in: false });
  });

  it("shows alice romeo's presence once he approves, through her account", async function () {
    await romeo.send(xml("presence", { to: "alicex@localhost", type: "subscribed" }));
    const seen = await alice.waitForType("presence", (frame) => frame["from"] === ROMEO_ADDRESS);
    assert.deepEqual([seen["show"], seen["status"]], ["chat", "wherefore"]);
    const entry = contactIn(await alice.ok({ type: "contact.list" }), ROMEO_ADDRESS);
    assert.deepEqual([entry?.["subscription"], entry?.["pending_out"]], ["to", false]);
  });

  it("sends presence.subscribe of an xmpp: address through alice's account too", async function () {
    await alice.ok({ type: "presence.subscribe", address: "xmpp:mercutio@localhost" });
    const request = await mercutio.waitFor((stanza) => stanza.is("presence") && stanza.attrs["type"] === "subscribe", 5000, "a subscription request");
    assert.equal(request.attrs["from"], "alicex@localhost");
    assert.equal((await phoneRoster()).get("mercutio@localhost")?.["ask"], "subscribe");
  });

  it("keeps alice's buddy list in step with her phone's roster edits", async function () {
    await phone.iq(xml("iq", { type: "set" }, xml("query", { xmlns: NS_ROSTER }, xml("item", { jid: "tybalt@localhost", name: "Tybalt" }, xml("group", {}, "Capulets")))));
    await throughTheAccount("added tybalt?");
    const added = contactIn(await alice.ok({ type: "contact.list" }), TYBALT_ADDRESS);
    assert.deepEqual(added, { address: TYBALT_ADDRESS, name: "Tybalt", subscription: "none", pending_out: false, pending_in: false });
    await phone.iq(xml("iq", { type: "set" }, xml("query", { xmlns: NS_ROSTER }, xml("item", { jid: "tybalt@localhost", subscription: "remove" }))));
    await throughTheAccount("removed tybalt?");
    assert.equal(contactIn(await alice.ok({ type: "contact.list" }), TYBALT_ADDRESS), undefined);
  });

  it("pushes the phone's roster edits to every session of alice's as they come, without a contact.list", async function () {
    const paris = "xmpp://u.alice/paris@localhost";
    await phone.iq(xml("iq", { type: "set" }, xml("query", { xmlns: NS_ROSTER }, xml("item", { jid: "paris@localhost", name: "Paris" }))));
    for (const session of [alice, aliceToo]) {
      const pushed = await session.waitForType("contact", (frame) => (frame["contact"] as Record<string, unknown>)["address"] === paris);
      assert.deepEqual(pushed["contact"], { address: paris, name: "Paris", subscription: "none", pending_out: false, pending_in: false });
    }
    await phone.iq(xml("iq", { type: "set" }, xml("query", { xmlns: NS_ROSTER }, xml("item", { jid: "paris@localhost", subscription: "remove" }))));
    for (const session of [alice, aliceToo]) await session.waitForType("contact.removed", (frame) => frame["address"] === paris);
    assert.equal(contactIn(await aliceToo.ok({ type: "contact.list" }), paris), undefined);
  });

  it("renames an item in the roster and keeps the groups another client gave it", async function () {
    await phone.iq(xml("iq", { type: "set" }, xml("query", { xmlns: NS_ROSTER }, xml("item", { jid: "tybalt@localhost", name: "Tybalt" }, xml("group", {}, "Capulets")))));
    await throughTheAccount("tybalt again?");
    const renamed = await alice.ok({ type: "contact.add", address: TYBALT_ADDRESS, name: "Prince of Cats" });
    assert.equal((renamed["contact"] as Record<string, unknown>)["name"], "Prince of Cats");
    const item = (await phoneRoster()).get("tybalt@localhost");
    assert.deepEqual([item?.["name"], item?.["groups"]], ["Prince of Cats", ["Capulets"]]);
  });

  it("removes the roster item with contact.remove, which ends the subscription both ways", async function () {
    await alice.ok({ type: "contact.remove", address: "xmpp:romeo@localhost" });
    assert.equal((await phoneRoster()).has("romeo@localhost"), false, "the phone's roster has no romeo");
    // RFC 6121 2.5.2: the server cancels both directions in alicex's name.
    const cancelled = await romeo.waitFor((stanza) => stanza.is("presence") && stanza.attrs["type"] === "unsubscribe" && stanza.attrs["from"] === "alicex@localhost", 5000, "unsubscribe");
    assert.ok(cancelled);
    assert.equal(contactIn(await alice.ok({ type: "contact.list" }), ROMEO_ADDRESS), undefined);
  });

  it("refuses contact.add and contact.remove as unavailable while the account is not connected, and changes nothing", async function () {
    gate.close();
    await daemon.waitForLog(/XMPP account connection lost/);
    const added = await alice.request({ type: "contact.add", address: "xmpp:benvolio@localhost" });
    assert.deepEqual([added["code"], added["message"]], ["GW_ERR_UNAVAILABLE", "the XMPP account alicex@localhost is not connected"]);
    const removed = await alice.request({ type: "contact.remove", address: TYBALT_ADDRESS });
    assert.equal(removed["code"], "GW_ERR_UNAVAILABLE");
    const list = await alice.ok({ type: "contact.list" });
    assert.equal(contactIn(list, "xmpp://u.alice/benvolio@localhost"), undefined);
    assert.equal(contactIn(list, TYBALT_ADDRESS)?.["name"], "Prince of Cats");
    assert.ok((await phoneRoster()).has("tybalt@localhost"));
  });
});
