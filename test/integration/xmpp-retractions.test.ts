/**
 * XEP-0424 Message Retraction through the XMPP component against a real Prosody, with real @xmpp/client clients, and a
 * gateway room bridged to an ngIRCd channel: native users and XMPP users retract their own messages in direct chats
 * and in the gateway's MUCs, each side seeing the retraction of the message under the id they know it by; the room's
 * archive keeps a tombstone; IRC is sent nothing; nobody retracts another's message.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { Frame } from "../helpers/native-client.js";
import { NETWORK, useNetworks } from "../helpers/network-suite.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const RETRACT = "urn:xmpp:message-retract:1";
const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";

async function joinMuc(user: XmppTestClient, occupantJid: string): Promise<void> {
  await user.send(xml("presence", { to: occupantJid }, xml("x", { xmlns: MUC }, xml("history", { maxstanzas: "0" }))));
  await user.waitForPresence(occupantJid, (stanza) => stanza.attrs["type"] === undefined && (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110"), 10_000);
}

function line(user: XmppTestClient, from: string, body: string): Promise<Element> {
  return user.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === from && stanza.getChildText("body") === body, 10_000, `"${body}" from ${from}`);
}

function retraction(user: XmppTestClient, from: string): Promise<Element> {
  return user.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === from && stanza.getChild("retract", RETRACT) !== undefined, 10_000, `a retraction from ${from}`);
}

const retractedId = (stanza: Element): unknown => stanza.getChild("retract", RETRACT)?.attrs["id"];
const roomStanzaId = (stanza: Element): string => String(stanza.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs["id"]);
const nativeMessage = (frame: Frame): Record<string, unknown> => frame["message"] as Record<string, unknown>;

describe("message retraction (XEP-0424) through the XMPP component", function () {
  const suite = useNetworks({ ircYaml: ["channels:", '  - channel: "#unsay"', "    room: unsay"] });
  const gatewayJid = (name: string): string => `${name}@${suite.prosody().componentDomain}`;

  it("carries a native user's retraction to the XMPP user under the id her client got the message by, with the fallback", async function () {
    const romeo = await suite.native("romeo");
    const juliet = await suite.xmppUser("juliet");
    const from = gatewayJid(suite.nameOf(romeo));
    const sent = (await romeo.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "wrong window" }))["message_id"];
    const original = await juliet.waitForMessage(from, (stanza) => stanza.getChildText("body") === "wrong window");
    await romeo.ok({ type: "message.retract", to: `xmpp:${juliet.bareJid}`, message_id: sent as string });
    const retracted = await retraction(juliet, from);
    assert.equal(retractedId(retracted), original.attrs["id"]);
    assert.equal(retracted.getChild("fallback", "urn:xmpp:fallback:0")?.attrs["for"], RETRACT);
    assert.ok(retracted.getChild("store", "urn:xmpp:hints"), "a store hint");
    assert.match(retracted.getChildText("body") ?? "", /retracted a previous message/);
  });

  it("takes an XMPP user's retraction, version 1 or 0, as a retraction of her message, and refuses one of someone else's", async function () {
    const romeo = await suite.native("romeo");
    const juliet = await suite.xmppUser("juliet");
    const to = gatewayJid(suite.nameOf(romeo));
    const firstId = await juliet.sendMessage(to, "meant for someone else");
    const first = nativeMessage(await romeo.waitForType("message"));
    await juliet.send(xml("message", { to, type: "chat", id: juliet.id("r") }, xml("retract", { xmlns: RETRACT, id: firstId }), xml("body", {}, "fallback")));
    const retracted = nativeMessage(await romeo.waitForType("message"));
    assert.deepEqual([retracted["retracts"], retracted["body"]], [first["id"], ""]);
    const secondId = await juliet.sendMessage(to, "and this one");
    const second = nativeMessage(await romeo.waitForType("message"));
    await juliet.send(xml("message", { to, type: "chat", id: juliet.id("r") }, xml("apply-to", { xmlns: "urn:xmpp:fasten:0", id: secondId }, xml("retract", { xmlns: "urn:xmpp:message-retract:0" }))));
    assert.equal(nativeMessage(await romeo.waitForType("message"))["retracts"], second["id"], "the older form too");
    const history = await romeo.ok({ type: "history", with: `xmpp:${juliet.bareJid}` });
    const bodies = (history["messages"] as Record<string, unknown>[]).map((message) => message["body"]);
    assert.deepEqual(bodies, ["", "", "", ""], "only tombstones and retractions are left");

    const romeos = (await romeo.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "mine" }))["message_id"] as string;
    const mine = await juliet.waitForMessage(to, (stanza) => stanza.getChildText("body") === "mine");
    const forgeryId = juliet.id("r");
    await juliet.send(xml("message", { to, type: "chat", id: forgeryId }, xml("retract", { xmlns: RETRACT, id: String(mine.attrs["id"]) })));
    const refused = await juliet.waitFor((stanza) => stanza.attrs["id"] === forgeryId && stanza.attrs["type"] === "error");
    assert.ok(refused.getChild("error"));
    const history2 = await romeo.ok({ type: "history", with: `xmpp:${juliet.bareJid}`, after: retracted["id"] as string });
    assert.deepEqual((history2["messages"] as Record<string, unknown>[]).map((message) => [message["id"], message["body"]]).slice(-1), [[romeos, "mine"]], "romeo's message stands");
  });

  it("retracts in a gateway MUC both ways for occupants, native members, and the archive, sending IRC nothing", async function () {
    this.timeout(60_000);
    const roomJid = `#unsay@${suite.prosody().componentDomain}`;
    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Juliet`);
    const kim = await suite.xmppUser("kim");
    await joinMuc(kim, `${roomJid}/Kim`);
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: "unsay" });
    const aliceName = suite.nameOf(alice);
    const bob = await suite.ircUser("bob");
    await bob.join("#unsay");
    const puppet = `${juliet.bareJid.split("@")[0] ?? ""}[sb]`.toLowerCase();
    const ircLine = (): Promise<{ readonly params: readonly string[] }> => bob.waitFor((message) => message.command === "PRIVMSG" && message.nick?.toLowerCase() === puppet, 10_000, "a line from juliet's puppet");

    const info = await kim.iq(xml("iq", { type: "get", to: roomJid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    assert.ok(info.getChild("query")?.getChildren("feature").some((feature) => feature.attrs["var"] === RETRACT), "the room announces XEP-0424");

    // An occupant retracts her line by the room's stanza-id (XEP-0424 section 5).
    await juliet.send(xml("message", { to: roomJid, type: "groupchat", id: juliet.id("g") }, xml("body", {}, "not for this room")));
    const reflected = await line(juliet, `${roomJid}/Juliet`, "not for this room");
    const atKim = await line(kim, `${roomJid}/Juliet`, "not for this room");
    const atAlice = nativeMessage(await alice.waitForType("message", (frame) => nativeMessage(frame)["body"] === "not for this room", 10_000));
    assert.equal((await ircLine()).params[1], "not for this room");
    const forgeryId = kim.id("r");
    await kim.send(xml("message", { to: roomJid, type: "groupchat", id: forgeryId }, xml("retract", { xmlns: RETRACT, id: roomStanzaId(atKim) })));
    const refused = await kim.waitFor((stanza) => stanza.attrs["id"] === forgeryId && stanza.attrs["type"] === "error");
    assert.ok(refused.getChild("error")?.getChild("forbidden"), refused.toString());
    await juliet.send(xml("message", { to: roomJid, type: "groupchat", id: juliet.id("r") }, xml("retract", { xmlns: RETRACT, id: roomStanzaId(reflected) })));
    assert.equal(retractedId(await retraction(kim, `${roomJid}/Juliet`)), roomStanzaId(atKim));
    assert.equal(retractedId(await retraction(juliet, `${roomJid}/Juliet`)), roomStanzaId(reflected));
    assert.equal(nativeMessage(await alice.waitForType("message", (frame) => nativeMessage(frame)["retracts"] !== undefined, 10_000))["retracts"], atAlice["id"]);
    await juliet.send(xml("message", { to: roomJid, type: "groupchat", id: juliet.id("g") }, xml("body", {}, "after it")));
    assert.equal((await ircLine()).params[1], "after it", "IRC got nothing for the retraction");

    // A direct line to an IRC nick cannot be unsaid: refused, not acknowledged and dropped.
    const direct = (await alice.ok({ type: "message.send", to: `irc://${NETWORK}/${bob.nick}`, body: "psst" }))["message_id"] as string;
    await bob.waitFor((message) => message.command === "PRIVMSG" && message.params[1] === "psst", 10_000, "alice's direct line");
    assert.equal((await alice.request({ type: "message.retract", to: `irc://${NETWORK}/${bob.nick}`, message_id: direct }))["code"], "GW_ERR_UNSUPPORTED");

    // A native member retracts hers: every occupant gets it under the room's stanza-id.
    const aliceId = (await alice.ok({ type: "room.send", room: "unsay", body: "oops" }))["message_id"] as string;
    const oops = await line(kim, `${roomJid}/${aliceName}`, "oops");
    await alice.ok({ type: "room.retract", room: "unsay", message_id: aliceId });
    assert.equal(retractedId(await retraction(kim, `${roomJid}/${aliceName}`)), roomStanzaId(oops));

    // The archive (XEP-0313) keeps tombstones: no words, a <retracted/> in their place.
    const before = kim.transcript.length;
    await kim.iq(xml("iq", { type: "set", to: roomJid }, xml("query", { xmlns: "urn:xmpp:mam:2" }, xml("set", { xmlns: "http://jabber.org/protocol/rsm" }, xml("max", {}, "20"), xml("before")))));
    const results = kim.transcript.slice(before).flatMap((stanza) => stanza.getChild("result", "urn:xmpp:mam:2") ?? []);
    const archived = results.flatMap((result) => result.getChild("forwarded", "urn:xmpp:forward:0")?.getChild("message") ?? []);
    // The archive's id of each message is the room's stanza-id (XEP-0313 4.1.2).
    const byId = (id: string): Element | undefined => results.find((result) => result.attrs["id"] === id)?.getChild("forwarded", "urn:xmpp:forward:0")?.getChild("message");
    for (const id of [roomStanzaId(atKim), aliceId]) {
      const tombstone = byId(id);
      assert.ok(tombstone?.getChild("retracted", RETRACT), `a tombstone for ${id}`);
      assert.equal(tombstone?.getChildText("body"), null);
    }
    assert.ok(!archived.some((message) => message.getChildText("body") === "not for this room" || message.getChildText("body") === "oops"), "the words are gone");

    // So does the history a joining occupant gets (XEP-0045 7.2.15).
    const lee = await suite.xmppUser("lee");
    const tombstoneAtJoin = lee.waitFor((stanza) => stanza.is("message") && roomStanzaId(stanza) === aliceId && stanza.getChild("delay", "urn:xmpp:delay") !== undefined, 10_000, "the tombstone in the history");
    await lee.send(xml("presence", { to: `${roomJid}/Lee` }, xml("x", { xmlns: MUC }, xml("history", { maxstanzas: "10" }))));
    const atJoin = await tombstoneAtJoin;
    assert.ok(atJoin.getChild("retracted", RETRACT));
    assert.equal(atJoin.getChildText("body"), null);
  });
});
